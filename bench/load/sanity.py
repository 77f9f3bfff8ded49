"""After a run: the invariant check (`flask --app sos_serial check`) where the app has it, and plain SQL sanity queries."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .servers import app_environment

# Each query returns the rows that break the rule; none is the rule holding.
QUERIES = {
    "a unit in stock has a location and no customer; a shipped or rented unit a customer and no location": """
        SELECT id, status FROM serial_units
        WHERE (status = 'in_stock' AND (location_id IS NULL OR customer_id IS NOT NULL))
           OR (status IN ('shipped', 'rented') AND (customer_id IS NULL OR location_id IS NOT NULL))""",
    "one unit per item and serial key": """
        SELECT item_id, serial_key FROM serial_units GROUP BY item_id, serial_key HAVING COUNT(*) > 1""",
    "an item's quantity on hand equals its units in stock": """
        SELECT i.id, i.quantity_on_hand, COUNT(u.id) FROM items i
        LEFT JOIN serial_units u ON u.item_id = i.id AND u.status = 'in_stock'
        WHERE i.track_serials GROUP BY i.id, i.quantity_on_hand HAVING i.quantity_on_hand <> COUNT(u.id)""",
    "stock per item and location equals the units in stock there": """
        SELECT s.item_id, s.location_id, s.quantity, COUNT(u.id) FROM stock_levels s
        JOIN items i ON i.id = s.item_id AND i.track_serials
        LEFT JOIN serial_units u ON u.item_id = s.item_id AND u.location_id = s.location_id AND u.status = 'in_stock'
        GROUP BY s.item_id, s.location_id, s.quantity HAVING s.quantity <> COUNT(u.id)""",
    "an item's cost layers hold its quantity on hand": """
        SELECT i.id, i.quantity_on_hand, COALESCE(SUM(c.quantity_remaining), 0) FROM items i
        LEFT JOIN cost_layers c ON c.item_id = i.id
        WHERE i.track_serials GROUP BY i.id, i.quantity_on_hand
        HAVING i.quantity_on_hand <> COALESCE(SUM(c.quantity_remaining), 0)""",
    "a unit's latest history row is where the unit is": """
        SELECT u.id, u.status, h.status FROM serial_units u
        JOIN serial_history h ON h.id = (SELECT MAX(id) FROM serial_history WHERE serial_unit_id = u.id)
        WHERE h.status <> u.status OR COALESCE(h.location_id, 0) <> COALESCE(u.location_id, 0)
           OR COALESCE(h.customer_id, 0) <> COALESCE(u.customer_id, 0)""",
    "every unit has history": """
        SELECT u.id FROM serial_units u WHERE NOT EXISTS (SELECT 1 FROM serial_history h WHERE h.serial_unit_id = u.id)""",
}


def sanity(url: str) -> dict[str, int]:
    """The number of rows breaking each rule."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {rule: len(conn.execute(text(sql)).all()) for rule, sql in QUERIES.items()}
    finally:
        engine.dispose()


def _check_commands() -> list[list[str]]:
    # This checkout's first; then the worktree where the check command is being built, if it is there.
    other = Path("/work/wt/prod-check/.venv/bin/python")
    return [[sys.executable, "-m", "flask"], *([[str(other), "-m", "flask"]] if other.exists() else [])]


def invariant_check(url: str, scratch: Path) -> dict:
    """Run `flask --app sos_serial check` against ``url`` where some checkout has the command."""
    env = app_environment(url, scratch / "instance")
    for flask in _check_commands():
        probe = subprocess.run([*flask, "--app", "sos_serial", "check", "--help"], cwd=scratch, env=env,
                               capture_output=True, text=True)
        if probe.returncode != 0:
            continue
        result = subprocess.run([*flask, "--app", "sos_serial", "check"], cwd=scratch, env=env,
                                capture_output=True, text=True)
        return {"command": f"{' '.join(flask)} --app sos_serial check", "exit": result.returncode,
                "output": (result.stdout + result.stderr).strip()[-2000:]}
    return {"command": None, "exit": None, "output": "no checkout here has `flask --app sos_serial check` yet"}


def after_run(url: str, scratch: Path) -> dict:
    """Both checks, printed and returned; ``passed`` is False when either found something wrong."""
    check = invariant_check(url, scratch)
    broken = sanity(url)
    print(f"Invariant check: {check['command'] or 'not available'}: "
          f"{'exit ' + str(check['exit']) if check['command'] else check['output']}")
    if check["command"]:
        print("  " + check["output"].replace("\n", "\n  "))
    for rule, rows in broken.items():
        print(f"  SQL sanity: {rule}: {'ok' if rows == 0 else f'{rows} rows break it'}")
    passed = all(rows == 0 for rows in broken.values()) and check["exit"] in (0, None)
    print(f"After the run: {'PASSED' if passed else 'FAILED'}")
    return {"check": check, "sanity": broken, "passed": passed}
