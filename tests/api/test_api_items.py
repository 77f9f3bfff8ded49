"""Items through the API: create, read, change; tracking rules; money as decimal strings."""
import pytest

from sos_serial.extensions import db
from sos_serial.models import Item
from tests.support.api import assert_problem, each_case, post_doc, receive, receive_plain, set_settings, snapshot

ITEM_KEYS = {"id", "name", "sku", "track_serials", "warranty_id", "cost", "quantity_on_hand", "value"}


def test_creating_an_item_answers_201_with_the_item(clerk, world):
    item = clerk.ok("POST", "/items", {"name": "Cuckoo Clock", "sku": "CLK-CK-03", "track_serials": True,
                                       "warranty_id": world.one_year, "cost": 149.99}, status=201)
    assert ITEM_KEYS <= set(item)
    assert isinstance(item["id"], int)
    assert item["name"] == "Cuckoo Clock"
    assert item["sku"] == "CLK-CK-03"
    assert item["track_serials"] is True
    assert item["warranty_id"] == world.one_year
    assert item["cost"] == "149.99"
    assert item["quantity_on_hand"] == 0
    assert item["value"] == "0.00"


def test_an_item_needs_only_a_name(clerk, world):
    item = clerk.ok("POST", "/items", {"name": "Pendulum"}, status=201)
    assert (item["sku"], item["track_serials"], item["warranty_id"], item["cost"], item["quantity_on_hand"],
            item["value"]) == (None, False, None, "0.00", 0, "0.00")


def test_cost_is_taken_as_number_or_decimal_string_and_shown_as_decimal_string(clerk, world):
    def check(given, shown):
        item = clerk.ok("POST", "/items", {"name": f"Priced Clock {given!r}", "cost": given}, status=201)
        assert item["cost"] == shown
        assert clerk.ok("GET", f"/items/{item['id']}")["cost"] == shown

    each_case([(149.99, "149.99"), ("149.99", "149.99"), (150, "150.00"), ("150", "150.00"), ("0.5", "0.50"),
               (" 12.30 ", "12.30"), ("33.3333", "33.3333"), (0, "0.00"), ("1.23456", "1.2346")], check)


def test_a_bad_cost_is_a_422_naming_cost_and_nothing_is_created(app, clerk, world):
    def check(cost):
        before = snapshot(app)
        assert_problem(clerk.post("/items", {"name": "Bad Cost Clock", "cost": cost}), 422, "cost")
        assert snapshot(app) == before

    each_case(["abc", "", True, None, [], {}, "-1.00", -5, "NaN", "Infinity", "1e400", 1e300], check)


def test_get_reads_the_item_back(clerk, world):
    created = clerk.ok("POST", "/items", {"name": "Wall Clock", "cost": "20"}, status=201)
    assert clerk.ok("GET", f"/items/{created['id']}") == created


def test_items_list_is_paginated(clerk, world):
    page = clerk.ok("GET", "/items", query_string={"per_page": 2})
    assert set(page) == {"items", "total", "page", "per_page"}
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 1, 2, 2)
    second = clerk.ok("GET", "/items", query_string={"per_page": 2, "page": 2})
    assert len(second["items"]) == 1
    assert {i["id"] for i in page["items"] + second["items"]} == {world.clock, world.grandfather, world.oil}


def test_patch_changes_the_writable_fields(clerk, world):
    changed = clerk.ok("PATCH", f"/items/{world.oil}", {"name": "Clock Oil 20 ml", "sku": "SUP-OIL-20",
                                                        "cost": "8.50", "warranty_id": world.one_month})
    assert (changed["name"], changed["sku"], changed["cost"], changed["warranty_id"]) == (
        "Clock Oil 20 ml", "SUP-OIL-20", "8.50", world.one_month)
    assert clerk.ok("GET", f"/items/{world.oil}") == changed
    cleared = clerk.ok("PATCH", f"/items/{world.oil}", {"warranty_id": None})
    assert cleared["warranty_id"] is None


def test_turning_tracking_on_for_an_item_without_stock(clerk, world):
    assert clerk.ok("PATCH", f"/items/{world.oil}", {"track_serials": True})["track_serials"] is True


def test_turning_tracking_on_with_stock_is_a_409_naming_quantity_and_value(app, clerk, world):
    receive_plain(clerk, world.oil, 3, world.main)  # 3 at the item's cost of 4.25
    before = snapshot(app)
    body = assert_problem(clerk.patch(f"/items/{world.oil}", {"track_serials": True, "name": "Renamed"}), 409)
    assert "3" in body["detail"] and "12.75" in body["detail"]
    assert snapshot(app) == before
    item = clerk.ok("GET", f"/items/{world.oil}")
    assert (item["track_serials"], item["name"], item["quantity_on_hand"], item["value"]) == (
        False, "Clock Oil 10 ml", 3, "12.75")


@pytest.mark.parametrize("plan", ["companion"])
def test_turning_tracking_on_under_the_companion_plan_is_a_403_naming_the_plans(app, admin, clerk, world, plan):
    # A company goes to Companion only with no item tracked by serial number (test_api_plan_gating.py).
    with app.app_context():
        for item in db.session.query(Item).filter_by(track_serials=True):
            item.track_serials = False
        db.session.commit()
        db.session.remove()
    set_settings(admin, plan=plan)
    before = snapshot(app)
    body = assert_problem(clerk.patch(f"/items/{world.oil}", {"track_serials": True}), 403)
    assert "Plus" in body["detail"] and "Pro" in body["detail"]
    body = assert_problem(clerk.post("/items", {"name": "Companion Clock", "track_serials": True}), 403)
    assert "Plus" in body["detail"] and "Pro" in body["detail"]
    assert snapshot(app) == before


@pytest.mark.parametrize("plan", ["plus", "pro"])
def test_tracking_is_allowed_on_plus_and_pro(admin, clerk, world, plan):
    set_settings(admin, plan=plan)
    assert clerk.ok("POST", "/items", {"name": "Tracked", "track_serials": True}, status=201)["track_serials"]


def test_patching_quantity_or_value_is_a_409_and_nothing_is_applied(app, clerk, world):
    def check(body):
        before = snapshot(app)
        problem = assert_problem(clerk.patch(f"/items/{world.oil}", body), 409)
        locked = [name for name in ("quantity_on_hand", "value") if name in body]
        assert all(name in [e["field"] for e in problem["errors"]] for name in locked)
        assert snapshot(app) == before

    each_case([{"quantity_on_hand": 5}, {"value": "100.00"}, {"quantity_on_hand": 0},
               {"value": "0.00"}, {"name": "Renamed", "quantity_on_hand": 7},
               {"cost": "1.00", "value": "9.99"}], check)


def test_creating_an_item_with_quantity_is_a_409(app, clerk, world):
    before = snapshot(app)
    assert_problem(clerk.post("/items", {"name": "Stocked Clock", "quantity_on_hand": 4}), 409, "quantity_on_hand")
    assert snapshot(app) == before


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_unknown_warranty_id_is_a_422_naming_the_field(app, clerk, world, method):
    before = snapshot(app)
    path = "/items" if method == "POST" else f"/items/{world.oil}"
    assert_problem(clerk.request(method, path, {"name": "Warranted", "warranty_id": 999_999}), 422, "warranty_id")
    assert_problem(clerk.request(method, path, {"name": "Warranted", "warranty_id": "1"}), 422, "warranty_id")
    assert_problem(clerk.request(method, path, {"name": "Warranted", "warranty_id": True}), 422, "warranty_id")
    assert snapshot(app) == before


def test_an_unknown_item_id_in_the_path_is_a_404(clerk, world):
    def check(method, path):
        assert_problem(clerk.request(method, path, {"name": "x"}), 404)

    each_case([("GET", "/items/999999"), ("PATCH", "/items/999999"),
               ("GET", "/items/999999/available-serials"), ("GET", "/items/0"),
               ("GET", "/items/99999999999999999999999")], check)


def test_a_duplicate_name_or_sku_is_a_409_not_a_500(app, clerk, world):
    def check(body):
        before = snapshot(app)
        problem = assert_problem(clerk.post("/items", body), 409)
        assert "already exists" in problem["detail"]
        assert_problem(clerk.patch(f"/items/{world.oil}", body), 409)
        assert snapshot(app) == before

    each_case([{"name": "Armenian Mantel Clock"}, {"name": "  Armenian Mantel Clock  "},
               {"name": "Another Clock", "sku": "CLK-ARM-01"}], check)


def test_invalid_item_fields_are_a_422_naming_the_field(app, clerk, world):
    def check(body, field):
        before = snapshot(app)
        assert_problem(clerk.post("/items", body), 422, field)
        if body:
            assert_problem(clerk.patch(f"/items/{world.oil}", body), 422, field)
        assert snapshot(app) == before

    each_case([
        ({}, "name"), ({"name": ""}, "name"), ({"name": "   "}, "name"), ({"name": None}, "name"),
        ({"name": 5}, "name"), ({"name": "x" * 201}, "name"), ({"name": "Ok", "sku": 12}, "sku"),
        ({"name": "Ok", "track_serials": "yes"}, "track_serials"),
        ({"name": "Ok", "track_serials": None}, "track_serials"), ({"name": "Ok", "colour": "red"}, "colour"),
    ], check)


def test_item_figures_follow_postings(clerk, world):
    receive(clerk, world.clock, ["F-1", "F-2"], world.main, unit_cost="100.10")
    item = clerk.ok("GET", f"/items/{world.clock}")
    assert (item["quantity_on_hand"], item["value"]) == (2, "200.20")


def test_an_items_own_numbering_is_written_and_read_back(clerk, world):
    item = clerk.ok("POST", "/items", {"name": "Cuckoo Clock", "track_serials": True}, status=201)
    assert (item["auto_serial_prefix"], item["auto_serial_length"], item["auto_serial_next_number"]) == (
        None, None, None)
    changed = clerk.ok("PATCH", f"/items/{item['id']}", {"auto_serial_prefix": " CK- ", "auto_serial_length": 4,
                                                          "auto_serial_next_number": 20})
    assert (changed["auto_serial_prefix"], changed["auto_serial_length"], changed["auto_serial_next_number"]) == (
        "CK-", 4, 20)
    assert clerk.ok("GET", f"/items/{item['id']}") == changed


def test_a_line_of_an_item_with_its_own_prefix_takes_automatic_numbers_with_the_switch_off(clerk, world):
    clerk.ok("PATCH", f"/items/{world.clock}", {"auto_serial_prefix": "ARM-", "auto_serial_length": 3})
    document = post_doc(clerk, type="item_receipt", location_id=world.main,
                        lines=[{"item_id": world.clock, "quantity": 2, "auto_serials": True}])
    assert document["lines"][0]["serials"] == ["ARM-001", "ARM-002"]
    assert clerk.ok("GET", f"/items/{world.clock}")["auto_serial_next_number"] == 3
    refused = post_doc(clerk, 422, type="item_receipt", location_id=world.main,
                       lines=[{"item_id": world.grandfather, "quantity": 1, "auto_serials": True}])
    assert refused["errors"][0]["field"] == "lines[0].auto_serials"


def test_bad_numbering_fields_are_a_422_naming_the_field_and_nothing_changes(app, clerk, world):
    def check(field, value):
        before = snapshot(app)
        assert_problem(clerk.patch(f"/items/{world.clock}", {field: value}), 422, field)
        assert snapshot(app) == before

    each_case([("auto_serial_prefix", 12), ("auto_serial_prefix", "A\tB"), ("auto_serial_prefix", "P" * 33),
               ("auto_serial_length", 0), ("auto_serial_length", 19), ("auto_serial_length", "four"),
               ("auto_serial_next_number", -1), ("auto_serial_next_number", 1.5)], check)


def test_a_cost_in_digits_of_another_script_or_with_underscores_is_a_422(app, clerk, world):
    before = snapshot(app)
    for cost in ("\uff11\uff12", "\u0661\u0662.50", "1_000"):
        assert_problem(clerk.post("/items", {"name": "Wall Barometer", "cost": cost}), 422, "cost")
    assert snapshot(app) == before
