"""Posting at scale: 100,000-serial receipts (typed, auto-numbered, CSV) and a 30,000-serial shipment
on a database already holding 1,000,000 serial units, each against a raw executemany of the same rows.

    python -m bench.posting [--db sqlite|postgresql|both] [--units 1000000]
"""
from __future__ import annotations

import statistics
from datetime import date

from .common import (
    arguments,
    machine,
    make_app,
    prepared_databases,
    run_child,
    save_results,
    settle,
)

RECEIPT = 100_000
SHIPMENT = 30_000
SCENARIOS = ("raw", "typed", "auto", "csv", "ship")
ROUNDS = 3
TARGETS = "SQLite: each 100,000-serial receipt < 3 s and < 4x raw; shipment < 2 s; peak memory < 300 MB"


def seed(url: str, units: int) -> None:
    """Master data, then `units` serial units of one item in stock, written in bulk."""
    from sqlalchemy import insert, text

    from sos_serial.database.guard import posting_scope
    from sos_serial.extensions import db
    from sos_serial.models import (
        Customer,
        Item,
        Location,
        SerialHistory,
        SerialUnit,
        Settings,
    )

    app = make_app(url)
    with app.app_context():
        session = db.session
        session.add_all([Location(name="Main Warehouse"), Customer(name="Acme Clocks")])
        for name in ("Seeded Clock", "Typed Clock", "Auto Clock", "Csv Clock", "Raw Clock"):
            session.add(Item(name=name, track_serials=True))
        settings = Settings.current(session)
        settings.auto_serial_enabled, settings.auto_serial_prefix, settings.auto_serial_length = True, "AC-", 8
        session.commit()
        item_id = session.scalar(text("SELECT id FROM items WHERE name = 'Seeded Clock'"))
        with posting_scope(session):
            batch = 50_000
            for start in range(0, units, batch):
                rows = [{"id": n, "item_id": item_id, "serial_number": f"SC-{n:08d}", "serial_key": f"sc-{n:08d}",
                         "status": "in_stock", "location_id": 1, "unit_cost": 10}
                        for n in range(start + 1, min(start + batch, units) + 1)]
                session.execute(insert(SerialUnit.__table__), rows)
                session.execute(insert(SerialHistory.__table__), [
                    {"serial_unit_id": r["id"], "transaction_type": "created", "date": date(2026, 1, 1),
                     "status": "in_stock", "location_id": 1} for r in rows])
            session.execute(text("UPDATE items SET quantity_on_hand = :n, value = :v WHERE id = :i"),
                            {"n": units, "v": units * 10 * 10_000, "i": item_id})
            session.execute(text("INSERT INTO cost_layers (item_id, quantity, quantity_remaining, unit_cost) "
                                 "VALUES (:i, :n, :n, :c)"), {"i": item_id, "n": units, "c": 10 * 10_000})
        session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execute(text("SELECT setval(pg_get_serial_sequence('serial_units', 'id'), :n)"), {"n": units})
                conn.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()


def measure(urls: dict[str, str]) -> dict:
    """Each scenario ROUNDS times on each database, each run in its own process: {kind: figures}.

    The databases take turns, scenario by scenario: single runs on these shared machines
    differed by up to half from one minute to the next, and a database measured a quarter of an
    hour after the other met a different machine. Run next to each other, the two see the same
    minutes, and their ratio is taken round by round as well as from the medians.
    """
    runs = {kind: {scenario: [] for scenario in SCENARIOS} for kind in urls}
    for round_ in range(ROUNDS):
        for scenario in SCENARIOS:
            for kind, url in urls.items():
                settle(url)
                shown = run_child("bench.posting_child", url, scenario, str(round_))
                runs[kind][scenario].append(shown)
                print(f"  {kind:10} {scenario:6} round {round_ + 1}  {shown['seconds']:7.3f} s"
                      f"  peak {shown['peak_rss_mb']:6.1f} MB  ({shown['rows']:,} rows)", flush=True)
    return {kind: _figures(taken) for kind, taken in runs.items()}


def _figures(runs: dict) -> dict:
    figures = {}
    for scenario, taken in runs.items():
        times = [r["seconds"] for r in taken]  # in round order, for the round-by-round ratios
        ordered = sorted(times)
        figures[scenario] = {"seconds": statistics.median(times), "fastest": ordered[0], "slowest": ordered[-1],
                             "runs": times, "peak_rss_mb": max(r["peak_rss_mb"] for r in taken),
                             "rows": taken[0]["rows"], "date": taken[0]["date"]}
    raw = figures["raw"]["seconds"]
    for scenario in ("typed", "auto", "csv"):
        figures[scenario]["ratio_to_raw"] = round(figures[scenario]["seconds"] / raw, 2)
    figures["ship"]["ratio_to_raw_receipt"] = round(figures["ship"]["seconds"] / raw, 2)
    return figures


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    print(f"Machine: {machine()}")
    print(f"Database holds {args.units:,} serial units before each measurement. Targets: {TARGETS}.")
    with prepared_databases(args.db, "bench", lambda url: seed(url, args.units)) as urls:
        results = measure(urls)
    print(_summary(results))
    save_results("posting", {"units": args.units, **results})


def _summary(results: dict) -> str:
    lines = ["", f"Median of {ROUNDS} runs (fastest–slowest), peak memory of the largest run.", "",
             "| scenario | " + " | ".join(f"{db} s | {db} peak MB | {db} ×raw" for db in results) + " |"]
    lines.append("|---" * (1 + 3 * len(results)) + "|")
    for scenario in SCENARIOS:
        cells = []
        for figures in results.values():
            f = figures[scenario]
            ratio = f.get("ratio_to_raw", f.get("ratio_to_raw_receipt", 1.0 if scenario == "raw" else ""))
            cells.append(f"{f['seconds']:.2f} ({f['fastest']:.2f}–{f['slowest']:.2f}) | {f['peak_rss_mb']:.0f} | {ratio}")
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    if "sqlite" in results and "postgresql" in results:
        lines.append("")
        for scenario in SCENARIOS[1:]:
            pg, lite = results["postgresql"][scenario], results["sqlite"][scenario]
            by_round = sorted(p / s for p, s in zip(pg["runs"], lite["runs"]))
            lines.append(f"PostgreSQL/SQLite {scenario}: {pg['seconds'] / lite['seconds']:.2f} by medians, "
                         f"{by_round[0]:.2f}–{by_round[-1]:.2f} round by round")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
