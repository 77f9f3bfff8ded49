"""The README's role table against the code's permission map, both ways (issue 11, row 14).

The table's rights and who holds them against ``RIGHTS``; the screens each right opens against each
screen's ``read_right``, ``create_right``, ``edit_right``, ``delete_right`` and ``cost_columns``; the API
routes each right opens against ``sos_serial/api/rights.py``. A right,
screen or route added, dropped or moved on either side fails here, naming it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sos_serial.api.rights import PUBLIC_ENDPOINTS, route_right
from sos_serial.models.user import ROLES
from sos_serial.security.auth import MODULE_RIGHTS, RIGHTS
from sos_serial.views.secured_view import SecuredModelView

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = "| right | admin | clerk | support | screens | API |"
ACTIONS = {"add": "create_right", "edit": "edit_right", "delete": "delete_right"}
COST_COLUMNS = "cost columns"
ROUTE = re.compile(r"`(GET|POST|PATCH|PUT|DELETE) (/[^`]*)`")


def readme_table() -> dict[str, dict]:
    """Each right of the README's table: the roles holding it, its screens and its API entries."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER)
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        right = cells[0].strip("`")
        assert right not in rows, f"the README lists {right} twice"
        holders = {role for role, cell in zip(("admin", "clerk", "support"), cells[1:4]) if cell == "yes"}
        assert all(cell in ("yes", "no") for cell in cells[1:4]), line
        rows[right] = {"roles": holders, "screens": screen_entries(cells[4]), "api": cells[5]}
    return rows


def screen_entries(cell: str) -> set[tuple[str, str]]:
    """``Items (add, edit); Home`` -> {("Items", "add"), ("Items", "edit"), ("Home", "read")}."""
    if cell == "—":
        return set()
    entries = set()
    for entry in cell.split(";"):
        match = re.fullmatch(r"\s*(.+?)\s*(?:\((.+)\))?\s*", entry)
        name, actions = match.group(1), match.group(2)
        if actions is None:
            entries.add((name, "read"))
        else:
            entries.update((name, action.strip()) for action in actions.split(","))
    return entries


def code_screens(app) -> dict[str, set[tuple[str, str]]]:
    """Each right -> the (screen, action) pairs it opens, read from the screens themselves."""
    opened: dict[str, set] = {}
    for view in app.extensions["admin"][0]._views:
        opened.setdefault(view.read_right, set()).add((view.name, "read"))
        if isinstance(view, SecuredModelView):
            for action, attribute in ACTIONS.items():
                right = getattr(view, attribute)
                if right is not None:
                    opened.setdefault(right, set()).add((view.name, action))
            if view.cost_columns:
                opened.setdefault("read_costs", set()).add((view.name, COST_COLUMNS))
    return opened


def code_routes(app) -> dict[str, set[tuple[str, str]]]:
    """Each right -> the (method, path) routes of the module's API it opens, by sos_serial/api/rights.py."""
    opened: dict[str, set] = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "{id}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            opened.setdefault(route_right(rule.endpoint), set()).add((method, path))
    return opened


@pytest.fixture(scope="module")
def table():
    return readme_table()


def test_the_table_lists_every_right_of_the_code_and_no_other(table):
    assert set(table) == set(MODULE_RIGHTS)


def test_each_right_is_held_by_the_roles_the_table_says(table):
    for right, row in table.items():
        assert row["roles"] == {role for role in ROLES if right in RIGHTS[role]}, right


def test_the_screens_each_right_opens_are_the_tables(app, table):
    opened = code_screens(app)
    assert set(opened) <= set(table), f"screens need rights the table does not list: {set(opened) - set(table)}"
    for right, row in table.items():
        assert row["screens"] == opened.get(right, set()), (
            right, "in the README only:", row["screens"] - opened.get(right, set()),
            "in the code only:", opened.get(right, set()) - row["screens"])


def test_the_api_routes_each_right_opens_are_the_tables(app, table):
    opened = code_routes(app)
    assert set(opened) <= set(table), f"routes need rights the table does not list: {set(opened) - set(table)}"
    for right, row in table.items():
        listed = set(ROUTE.findall(row["api"]))
        assert listed == opened.get(right, set()), (
            right, "in the README only:", listed - opened.get(right, set()),
            "in the code only:", opened.get(right, set()) - listed)


def test_a_right_moved_in_the_code_fails_the_comparison(app, table, monkeypatch):
    # The comparison is live: give support the vendors' read and the table no longer matches.
    from sos_serial.api import rights

    monkeypatch.setitem(rights.ROUTE_RIGHTS, "api.list_vendors", "read_customers")
    with pytest.raises(AssertionError):
        test_the_api_routes_each_right_opens_are_the_tables(app, table)
    monkeypatch.setitem(RIGHTS, "support", RIGHTS["support"] | {"read"})
    with pytest.raises(AssertionError):
        test_each_right_is_held_by_the_roles_the_table_says(table)
