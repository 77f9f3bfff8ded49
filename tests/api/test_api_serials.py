"""Serial units through the API: search, read, add directly, correct warranty and notes, history, pickers."""
import pytest

from sos_serial.extensions import db
from sos_serial.models import User
from tests.support.api import assert_problem, each_case, line, post_doc, receive, ship, snapshot

UNIT_KEYS = {"id", "item_id", "item_name", "serial_number", "status", "location_id", "customer_id", "unit_cost",
             "warranty_id", "warranty_name", "warranty_start", "warranty_end", "notes"}
HISTORY_KEYS = {"date", "transaction_id", "transaction_type", "status", "location_id", "customer_id"}


@pytest.fixture
def units(clerk, world):
    """Clocks CLK-0001..3 received at Main (CLK-0003 then shipped to Acme), Clk-9 at the Showroom,
    and a grandfather clock that shares the serial CLK-0001."""
    receive(clerk, world.clock, ["CLK-0001", "CLK-0002", "CLK-0003"], world.main, unit_cost="120.00")
    receive(clerk, world.clock, ["Clk-9"], world.showroom)
    receive(clerk, world.grandfather, ["CLK-0001"], world.main)
    ship(clerk, world.clock, ["CLK-0003"], world.main, world.acme, date="2026-02-10")
    return {u["serial_number"] + "/" + str(u["item_id"]): u
            for u in clerk.ok("GET", "/serials", query_string={"per_page": 100})["items"]}


def user_id(app, username):
    with app.app_context():
        found = db.session.query(User).filter_by(username=username).one().id
        db.session.remove()
    return found


def serials_of(page):
    return sorted((u["serial_number"], u["item_id"]) for u in page["items"])


# ---------------------------------------------------------------------------- search
def test_the_list_is_paginated_and_each_unit_has_the_contract_shape(support, world, units):
    page = support.ok("GET", "/serials")
    assert set(page) == {"items", "total", "page", "per_page"}
    assert (page["total"], page["page"], page["per_page"]) == (5, 1, 50)
    for unit in page["items"]:
        assert UNIT_KEYS <= set(unit)
    shipped = units[f"CLK-0003/{world.clock}"]
    assert (shipped["item_name"], shipped["status"], shipped["location_id"], shipped["customer_id"],
            shipped["unit_cost"], shipped["warranty_name"], shipped["warranty_start"], shipped["warranty_end"]) == (
        "Armenian Mantel Clock", "shipped", None, world.acme, "120.00", "1 year parts and labor", "2026-02-10",
        "2027-02-10")


def test_filters_narrow_the_list(support, world, units):
    def check(query, expected):
        names = {"clock": world.clock, "grandfather": world.grandfather}
        query = {k: v.format(**vars(world)) for k, v in query.items()}
        page = support.ok("GET", "/serials", query_string={**query, "per_page": 100})
        assert serials_of(page) == sorted((serial, names[item]) for serial, item in expected)
        assert page["total"] == len(expected)

    each_case([
        ({"item_id": "{clock}"}, [("CLK-0001", "clock"), ("CLK-0002", "clock"), ("CLK-0003", "clock"),
                                  ("Clk-9", "clock")]),
        ({"status": "shipped"}, [("CLK-0003", "clock")]),
        ({"status": "in_stock", "item_id": "{clock}"}, [("CLK-0001", "clock"), ("CLK-0002", "clock"),
                                                        ("Clk-9", "clock")]),
        ({"location_id": "{showroom}"}, [("Clk-9", "clock")]),
        ({"customer_id": "{acme}"}, [("CLK-0003", "clock")]),
        ({"customer_id": "{baker}"}, []),
        ({"status": "rented"}, []),
        ({"q": "CLK-0001"}, [("CLK-0001", "clock"), ("CLK-0001", "grandfather")]),
        ({"q": "clk-000", "item_id": "{clock}"}, [("CLK-0001", "clock"), ("CLK-0002", "clock"), ("CLK-0003", "clock")]),
        ({"q": "cLk-9"}, [("Clk-9", "clock")]),
        ({"q": "  clk-9  "}, [("Clk-9", "clock")]),
        ({"q": "CLK-00019"}, []),
        ({"q": "ZZZ"}, []),
        ({"q": "clk", "location_id": "{main}", "status": "in_stock"}, [
            ("CLK-0001", "clock"), ("CLK-0001", "grandfather"), ("CLK-0002", "clock")]),
    ], check)


def test_q_matches_every_serial_that_starts_with_it(clerk, world):
    receive(clerk, world.clock, ["ab-1", "AB-2", "Ab-3", "xab-4"], world.main)
    found = {u["serial_number"] for u in clerk.ok("GET", "/serials", query_string={"q": "aB"})["items"]}
    assert {"ab-1", "AB-2", "Ab-3"} <= found
    assert found <= {"ab-1", "AB-2", "Ab-3", "xab-4"}  # matching inside a serial is allowed, not required


def test_pages_walk_through_every_unit_once(support, world, units):
    seen = []
    for number in (1, 2, 3):
        page = support.ok("GET", "/serials", query_string={"per_page": 2, "page": number})
        assert (page["total"], page["page"], page["per_page"]) == (5, number, 2)
        seen += [u["id"] for u in page["items"]]
    assert sorted(seen) == sorted(u["id"] for u in units.values())
    assert support.ok("GET", "/serials", query_string={"per_page": 2, "page": 4})["items"] == []


def test_a_larger_per_page_is_clamped_to_500(support, world, units):
    def check(per_page):
        page = support.ok("GET", "/serials", query_string={"per_page": per_page})
        assert page["per_page"] == 500
        assert len(page["items"]) == 5

    each_case(["501", "1000", str(10**30)], check)


def test_bad_query_values_are_a_422_naming_them(support, world, units):
    def check(query, field):
        assert_problem(support.get("/serials", query_string=query), 422, field)

    each_case([({"page": "0"}, "page"), ({"page": "-1"}, "page"),
               ({"per_page": "abc"}, "per_page"), ({"per_page": "0"}, "per_page"),
               ({"item_id": "clock"}, "item_id"), ({"status": "lost"}, "status"),
               ({"location_id": "1.5"}, "location_id")], check)


def test_one_unit_is_read_by_id(support, world, units):
    unit = units[f"CLK-0002/{world.clock}"]
    assert support.ok("GET", f"/serials/{unit['id']}") == unit
    assert_problem(support.get("/serials/999999"), 404)


# ---------------------------------------------------------------------------- adding a unit directly
def test_adding_a_unit_at_a_location_puts_it_in_stock(clerk, world):
    unit = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "  DIRECT-1 ",
                                         "location_id": world.showroom, "unit_cost": 75.5}, status=201)
    assert UNIT_KEYS <= set(unit)
    assert (unit["serial_number"], unit["status"], unit["location_id"], unit["customer_id"], unit["unit_cost"],
            unit["warranty_id"]) == ("DIRECT-1", "in_stock", world.showroom, None, "75.50", world.one_year)
    item = clerk.ok("GET", f"/items/{world.clock}")
    assert (item["quantity_on_hand"], item["value"]) == (1, "75.50")
    assert clerk.ok("GET", f"/serials/{unit['id']}") == unit


def test_adding_a_historical_unit_at_a_customer_ships_it_without_stock(clerk, world):
    unit = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "OLD-1", "customer_id": world.baker,
                                         "warranty_start": "2024-05-01", "warranty_end": "2025-05-01"}, status=201)
    assert (unit["status"], unit["location_id"], unit["customer_id"], unit["unit_cost"], unit["warranty_start"],
            unit["warranty_end"]) == ("shipped", None, world.baker, "149.99", "2024-05-01", "2025-05-01")
    item = clerk.ok("GET", f"/items/{world.clock}")
    assert (item["quantity_on_hand"], item["value"]) == (0, "0.00")


def test_a_unit_goes_to_a_location_or_a_customer_exactly(app, clerk, world):
    def check(places, field):
        before = snapshot(app)
        body = {"item_id": world.clock, "serial_number": "WHERE-1", **places}
        assert_problem(clerk.post("/serials", body), 422, field)
        assert snapshot(app) == before

    each_case([({}, "location_id"), ({"location_id": 1, "customer_id": 1}, "location_id"),
               ({"location_id": None, "customer_id": None}, "location_id")], check)


def test_bad_new_units_are_refused_naming_the_field(app, clerk, world):
    def check(body, status, field):
        body = {k: (int(v.format(**vars(world))) if isinstance(v, str) and v.startswith("{") else v)
                for k, v in body.items()}
        before = snapshot(app)
        assert_problem(clerk.post("/serials", {"serial_number": "BAD-1", **body}), status, field)
        assert snapshot(app) == before

    each_case([
        ({"item_id": 999_999, "location_id": "{main}"}, 422, "item_id"),
        ({"item_id": "{clock}", "location_id": 999_999}, 422, "location_id"),
        ({"item_id": "{clock}", "customer_id": 999_999}, 422, "customer_id"),
        ({"item_id": "{clock}", "location_id": "1"}, 422, "location_id"),
        ({"item_id": True, "location_id": "{main}"}, 422, "item_id"),
        ({"item_id": "{oil}", "location_id": "{main}"}, 409, "item_id"),
        ({"item_id": "{clock}", "location_id": "{main}", "unit_cost": "-3"}, 422, "unit_cost"),
        ({"item_id": "{clock}", "location_id": "{main}", "unit_cost": "lots"}, 422, "unit_cost"),
        ({"item_id": "{clock}", "location_id": "{main}", "warranty_start": "2026-13-01"}, 422, "warranty_start"),
        ({"item_id": "{clock}", "location_id": "{main}", "warranty_start": "2026-05-01",
          "warranty_end": "2026-04-30"}, 422, "warranty_end"),
        ({"item_id": "{clock}", "location_id": "{main}", "status": "shipped"}, 422, "status"),
    ], check)


def test_a_bad_serial_number_is_a_422(app, clerk, world):
    def check(serial):
        before = snapshot(app)
        assert_problem(clerk.post("/serials", {"item_id": world.clock, "serial_number": serial,
                                               "location_id": world.main}), 422, "serial_number")
        assert snapshot(app) == before

    each_case(["", "   ", "x" * 65, "TAB\tBED", None, 12], check)


def test_adding_a_serial_the_item_already_has_is_a_409_naming_it(app, clerk, world, units):
    def check(serial):
        before = snapshot(app)
        body = assert_problem(clerk.post("/serials", {"item_id": world.clock, "serial_number": serial,
                                                      "location_id": world.main}), 409, "serial_number")
        assert serial.strip().upper() in body["detail"]
        assert snapshot(app) == before

    each_case(["CLK-0001", "clk-0001", " CLK-0003 "], check)


# ---------------------------------------------------------------------------- correcting warranty and notes
@pytest.mark.parametrize("role", ["admin", "clerk", "support"])
def test_warranty_dates_and_notes_can_be_corrected(app, api, world, units, role):
    client = api(role)
    unit = units[f"CLK-0003/{world.clock}"]
    changed = client.ok("PATCH", f"/serials/{unit['id']}", {"warranty_start": "2026-02-15",
                                                           "warranty_end": "2027-08-15", "notes": "Goodwill"})
    assert (changed["warranty_start"], changed["warranty_end"], changed["notes"]) == (
        "2026-02-15", "2027-08-15", "Goodwill")
    assert changed["version"] == unit["version"] + 1
    untouched = {k: v for k, v in unit.items() if k not in ("warranty_start", "warranty_end", "notes", "version")}
    assert {k: changed[k] for k in untouched} == untouched
    assert client.ok("GET", f"/serials/{unit['id']}") == changed
    edit = client.ok("GET", f"/serials/{unit['id']}/history")[-1]
    assert HISTORY_KEYS <= set(edit)
    assert (edit["transaction_type"], edit["transaction_id"], edit["status"], edit["customer_id"]) == (
        "edit", None, "shipped", world.acme)
    assert edit["user_id"] == user_id(app, role)
    assert edit["changes"] == {"warranty_start": ["2026-02-10", "2026-02-15"],
                               "warranty_end": ["2027-02-10", "2027-08-15"], "notes": [None, "Goodwill"]}


def test_clearing_dates_and_notes_with_null(clerk, world, units):
    unit = units[f"CLK-0003/{world.clock}"]
    clerk.ok("PATCH", f"/serials/{unit['id']}", {"notes": "temporary"})
    cleared = clerk.ok("PATCH", f"/serials/{unit['id']}", {"warranty_start": None, "warranty_end": None,
                                                          "notes": None})
    assert (cleared["warranty_start"], cleared["warranty_end"], cleared["notes"]) == (None, None, None)


def test_a_patch_that_changes_nothing_adds_no_history(clerk, world, units):
    unit = units[f"CLK-0003/{world.clock}"]
    before = clerk.ok("GET", f"/serials/{unit['id']}/history")
    same = clerk.ok("PATCH", f"/serials/{unit['id']}", {"warranty_start": unit["warranty_start"]})
    assert same == unit
    assert clerk.ok("GET", f"/serials/{unit['id']}/history") == before


LOCKED = ["item_id", "serial_number", "status", "location_id", "customer_id", "unit_cost"]


def test_a_locked_field_is_a_409_even_with_its_current_value_and_nothing_is_applied(app, clerk, world, units):
    unit = units[f"CLK-0001/{world.clock}"]
    other = {"item_id": world.grandfather, "serial_number": "CLK-7777", "status": "shipped",
             "location_id": world.showroom, "customer_id": world.acme, "unit_cost": "1.00"}

    def check(field, value_kind):
        value = unit[field] if value_kind == "current" else other[field]
        before = snapshot(app)
        body = assert_problem(clerk.patch(f"/serials/{unit['id']}", {
            field: value, "warranty_start": "2026-03-01", "warranty_end": "2027-03-01", "notes": "ride-along"}),
            409, field)
        assert "transaction" in body["detail"]
        assert snapshot(app) == before

    each_case([(field, kind) for field in LOCKED for kind in ("current", "other")], check)


def test_a_locked_field_is_a_409_whatever_else_is_wrong(app, clerk, world, units):
    def check(extra):
        unit = units[f"CLK-0001/{world.clock}"]
        before = snapshot(app)
        assert_problem(clerk.patch(f"/serials/{unit['id']}", {"status": "in_stock", **extra}), 409, "status")
        assert snapshot(app) == before

    each_case([{"warranty_start": "not a date"}, {"colour": "red"}, {"notes": 5},
               {"version": "x"}], check)


@pytest.mark.parametrize("stored, patch", [
    ({}, {"warranty_start": "2026-06-01", "warranty_end": "2026-05-31"}),
    ({"warranty_start": "2026-06-01"}, {"warranty_end": "2026-05-31"}),
    ({"warranty_end": "2026-05-31"}, {"warranty_start": "2026-06-01"}),
])
def test_a_warranty_ending_before_it_starts_is_a_422_after_merging(app, clerk, world, units, stored, patch):
    unit = units[f"CLK-0003/{world.clock}"]  # stored: 2026-02-10 .. 2027-02-10
    if stored:
        clerk.ok("PATCH", f"/serials/{unit['id']}", stored)
    before = snapshot(app)
    assert_problem(clerk.patch(f"/serials/{unit['id']}", {**patch, "notes": "ride-along"}), 422, "warranty_end")
    assert snapshot(app) == before


def test_bad_corrections_are_a_422_naming_the_field(app, support, world, units):
    def check(body, field):
        unit = units[f"CLK-0001/{world.clock}"]
        before = snapshot(app)
        assert_problem(support.patch(f"/serials/{unit['id']}", body), 422, field)
        assert snapshot(app) == before

    each_case([({"warranty_start": "2026-13-01"}, "warranty_start"),
               ({"warranty_end": "20260101"}, "warranty_end"),
               ({"warranty_start": 20260101}, "warranty_start"),
               ({"notes": 12}, "notes"), ({"notes": "x" * 10_001}, "notes"),
               ({"serial": "A"}, "serial"), ({"version": 0}, "version"),
               ({"version": True}, "version")], check)


def test_a_correction_from_a_stale_version_is_a_409(app, clerk, support, world, units):
    unit = units[f"CLK-0001/{world.clock}"]
    clerk.ok("PATCH", f"/serials/{unit['id']}", {"notes": "first", "version": unit["version"]})
    before = snapshot(app)
    body = assert_problem(support.patch(f"/serials/{unit['id']}", {"notes": "second", "version": unit["version"]}),
                          409, "version")
    assert "reload" in body["detail"].lower()
    assert snapshot(app) == before
    current = support.ok("GET", f"/serials/{unit['id']}")
    assert support.ok("PATCH", f"/serials/{unit['id']}", {"notes": "second", "version": current["version"]})[
        "notes"] == "second"


def test_patching_an_unknown_unit_is_a_404(support, world):
    assert_problem(support.patch("/serials/999999", {"notes": "x"}), 404)
    assert_problem(support.get("/serials/999999/history"), 404)


# ---------------------------------------------------------------------------- history
def test_history_is_a_plain_array_oldest_first(clerk, world, units):
    unit = units[f"CLK-0003/{world.clock}"]
    rows = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert isinstance(rows, list)
    for row in rows:
        assert HISTORY_KEYS <= set(row)
    assert [(r["transaction_type"], r["status"], r["location_id"], r["customer_id"], r["date"]) for r in rows] == [
        ("item_receipt", "in_stock", world.main, None, "2026-01-05"),
        ("shipment", "shipped", None, world.acme, "2026-02-10"),
    ]
    assert all(isinstance(r["transaction_id"], int) for r in rows)
    assert rows[0]["transaction_id"] < rows[1]["transaction_id"]


def test_a_posted_unit_starts_with_a_created_row(clerk, world):
    unit = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "NEW-1",
                                         "location_id": world.main}, status=201)
    ship(clerk, world.clock, ["NEW-1"], world.main, world.baker)
    rows = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert [(r["transaction_type"], r["transaction_id"], r["status"], r["location_id"]) for r in rows[:1]] == [
        ("created", None, "in_stock", world.main)]
    assert [r["transaction_type"] for r in rows] == ["created", "shipment"]


def test_a_historical_unit_starts_with_a_created_row_at_the_customer(clerk, world):
    unit = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "OLD-2",
                                         "customer_id": world.acme}, status=201)
    [row] = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert (row["transaction_type"], row["transaction_id"], row["status"], row["customer_id"]) == (
        "created", None, "shipped", world.acme)


def test_pick_tickets_add_no_history(clerk, world, units):
    unit = units[f"CLK-0001/{world.clock}"]
    before = clerk.ok("GET", f"/serials/{unit['id']}/history")
    post_doc(clerk, type="pick_ticket", location_id=world.main, customer_id=world.acme,
             lines=[line(world.clock, 1, serials=["CLK-0001"])])
    assert clerk.ok("GET", f"/serials/{unit['id']}/history") == before


def test_every_movement_adds_one_row_with_the_state_after_it(clerk, world, units):
    unit = units[f"CLK-0002/{world.clock}"]
    post_doc(clerk, type="transfer", location_id=world.main, to_location_id=world.showroom,
             lines=[line(world.clock, 1, serials=["CLK-0002"])])
    post_doc(clerk, type="rental", location_id=world.showroom, customer_id=world.baker,
             lines=[line(world.clock, 1, serials=["CLK-0002"])])
    post_doc(clerk, type="rental_return", location_id=world.main, customer_id=world.baker,
             lines=[line(world.clock, 1, serials=["CLK-0002"])])
    post_doc(clerk, type="adjustment", location_id=world.main, lines=[line(world.clock, -1, serials=["CLK-0002"])])
    rows = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert [(r["transaction_type"], r["status"], r["location_id"], r["customer_id"]) for r in rows] == [
        ("item_receipt", "in_stock", world.main, None),
        ("transfer", "in_stock", world.showroom, None),
        ("rental", "rented", None, world.baker),
        ("rental_return", "in_stock", world.main, None),
        ("adjustment", "adjusted_out", None, None),
    ]


# ---------------------------------------------------------------------------- the picker's list
def test_available_serials_are_the_items_units_in_stock_there(support, world, units):
    page = support.ok("GET", f"/items/{world.clock}/available-serials", query_string={"location_id": world.main})
    assert set(page) == {"items", "total", "page", "per_page"}
    assert serials_of(page) == [("CLK-0001", world.clock), ("CLK-0002", world.clock)]
    assert page["total"] == 2
    assert all(u["status"] == "in_stock" and u["location_id"] == world.main for u in page["items"])


def test_available_serials_filter_by_location_and_q(support, world, units):
    def check(query, expected):
        query = {k: v.format(**vars(world)) for k, v in query.items()}
        page = support.ok("GET", f"/items/{world.clock}/available-serials", query_string=query)
        assert sorted(u["serial_number"] for u in page["items"]) == expected

    each_case([
        ({"location_id": "{main}", "q": "clk-0002"}, ["CLK-0002"]),
        ({"location_id": "{main}", "q": "CLK-0003"}, []),
        ({"location_id": "{showroom}"}, ["Clk-9"]),
        ({"location_id": "{showroom}", "q": "clk-0"}, []),
        ({}, ["CLK-0001", "CLK-0002", "Clk-9"]),
    ], check)


def test_available_serials_are_paginated(support, world, units):
    page = support.ok("GET", f"/items/{world.clock}/available-serials", query_string={"per_page": 1, "page": 2})
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 1, 1)


def test_available_serials_of_an_unknown_item_or_location(support, world, units):
    assert_problem(support.get("/items/999999/available-serials"), 404)
    assert_problem(support.get(f"/items/{world.clock}/available-serials", query_string={"location_id": 999_999}),
                   422, "location_id")
