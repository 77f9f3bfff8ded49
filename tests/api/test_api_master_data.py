"""Locations, customers, vendors, warranty definitions and settings through the API."""
import pytest

from tests.support.api import assert_problem, each_case, snapshot

NAMED = ["locations", "customers", "vendors"]


# ---------------------------------------------------------------------------- locations, customers, vendors
@pytest.mark.parametrize("collection", NAMED)
def test_creating_a_named_record_answers_201_id_and_name(clerk, world, collection):
    created = clerk.ok("POST", f"/{collection}", {"name": "  Dalton & Co  "}, status=201)
    assert set(created) >= {"id", "name"}
    assert isinstance(created["id"], int)
    assert created["name"] == "Dalton & Co"
    assert clerk.ok("GET", f"/{collection}/{created['id']}") == created
    listed = clerk.ok("GET", f"/{collection}", query_string={"per_page": 500})
    assert created in listed["items"]


@pytest.mark.parametrize("collection", NAMED)
def test_invalid_named_records_are_refused_naming_the_field(app, clerk, world, collection):
    def check(body, status, field):
        before = snapshot(app)
        assert_problem(clerk.post(f"/{collection}", body), status, field)
        assert snapshot(app) == before

    each_case([
        ({}, 422, "name"), ({"name": ""}, 422, "name"), ({"name": None}, 422, "name"), ({"name": 7}, 422, "name"),
        ({"name": "x" * 121}, 422, "name"), ({"name": "Ok", "city": "Yerevan"}, 422, "city"),
    ], check)


@pytest.mark.parametrize("collection, taken", [("locations", "Main Warehouse"), ("customers", "Acme Clocks"),
                                               ("vendors", "Yerevan Clockworks")])
def test_a_duplicate_named_record_is_a_409(app, clerk, world, collection, taken):
    before = snapshot(app)
    assert "already exists" in assert_problem(clerk.post(f"/{collection}", {"name": taken}), 409)["detail"]
    assert snapshot(app) == before


def test_an_unknown_named_record_is_a_404(clerk, world):
    def check(collection):
        assert_problem(clerk.get(f"/{collection}/999999"), 404)

    each_case(NAMED + ["warranties"], check)


# ---------------------------------------------------------------------------- warranties
@pytest.mark.parametrize("duration, unit", [(90, "days"), (18, "months"), (2, "years"), (1, "days")])
def test_defining_a_warranty_answers_201(admin, world, duration, unit):
    created = admin.ok("POST", "/warranties", {"name": f"{duration} {unit}", "duration": duration, "unit": unit},
                       status=201)
    assert {"id", "name", "duration", "unit"} <= set(created)
    assert (created["name"], created["duration"], created["unit"]) == (f"{duration} {unit}", duration, unit)
    assert admin.ok("GET", f"/warranties/{created['id']}") == created
    item = admin.ok("POST", "/items", {"name": "Covered Clock", "warranty_id": created["id"]}, status=201)
    assert item["warranty_id"] == created["id"]


def test_a_bad_warranty_is_a_422_naming_the_fields(app, admin, world):
    def check(body, fields):
        before = snapshot(app)
        assert_problem(admin.post("/warranties", body), 422, *fields)
        assert snapshot(app) == before

    each_case([
        ({"name": "Zero", "duration": 0, "unit": "days"}, ["duration"]),
        ({"name": "Negative", "duration": -3, "unit": "months"}, ["duration"]),
        ({"name": "Text", "duration": "12", "unit": "months"}, ["duration"]),
        ({"name": "Fraction", "duration": 1.5, "unit": "years"}, ["duration"]),
        ({"name": "Boolean", "duration": True, "unit": "years"}, ["duration"]),
        ({"name": "Null", "duration": None, "unit": "years"}, ["duration"]),
        ({"name": "No duration", "unit": "years"}, ["duration"]),
        ({"name": "Huge", "duration": 2**40, "unit": "days"}, ["duration"]),
        ({"name": "Weeks", "duration": 2, "unit": "weeks"}, ["unit"]),
        ({"name": "Capital", "duration": 2, "unit": "Days"}, ["unit"]),
        ({"name": "No unit", "duration": 2}, ["unit"]),
        ({"name": "Both", "duration": 0, "unit": "fortnights"}, ["duration", "unit"]),
        ({"duration": 2, "unit": "days"}, ["name"]),
        ({"name": "", "duration": 2, "unit": "days"}, ["name"]),
        ({"name": "Extra", "duration": 2, "unit": "days", "transferable": True}, ["transferable"]),
    ], check)


def test_a_duplicate_warranty_name_is_a_409(app, admin, world):
    before = snapshot(app)
    assert_problem(admin.post("/warranties", {"name": "1 month", "duration": 30, "unit": "days"}), 409)
    assert snapshot(app) == before


# ---------------------------------------------------------------------------- settings
DEFAULTS = {
    "plan": "pro",
    "inventory": {"value_serials_by_specific_id": True, "valuation_method": "fifo"},
    "purchasing": {"auto_serial_enabled": False, "auto_serial_prefix": "", "auto_serial_length": 6,
                   "auto_serial_mode": "sequential", "auto_serial_next_number": 1},
    "sales": {"show_warranty_on_serial_units": True},
    "labels": {"label_layout": "a4_3x7", "label_show_warranty_end": True},
    # API.md 1.1: the company profile printed on packing lists, empty until entered.
    "company": {"name": None, "address": None},
}


@pytest.mark.parametrize("role", ["admin", "clerk", "support"])
def test_everyone_reads_the_settings_in_their_nested_shape(api, world, role):
    assert api(role).ok("GET", "/settings") == DEFAULTS


def test_patch_takes_a_nested_subset_and_leaves_the_rest(admin, world):
    changed = admin.ok("PATCH", "/settings", {"purchasing": {"auto_serial_prefix": "CLK-", "auto_serial_length": 4}})
    expected = {**DEFAULTS, "purchasing": {**DEFAULTS["purchasing"], "auto_serial_prefix": "CLK-",
                                           "auto_serial_length": 4}}
    assert changed == expected
    assert admin.ok("GET", "/settings") == expected


def test_patch_can_change_every_setting_at_once(admin, world):
    wanted = {
        "plan": "plus",
        "inventory": {"value_serials_by_specific_id": False, "valuation_method": "average"},
        "purchasing": {"auto_serial_enabled": True, "auto_serial_prefix": "SN", "auto_serial_length": 8,
                       "auto_serial_mode": "random", "auto_serial_next_number": 500},
        "sales": {"show_warranty_on_serial_units": False},
        "labels": {"label_layout": "letter_3x10", "label_show_warranty_end": False},
        "company": {"name": "Yerevan Clock Traders", "address": "12 Abovyan Street\nYerevan 0010"},
    }
    assert admin.ok("PATCH", "/settings", wanted) == wanted
    assert admin.ok("GET", "/settings") == wanted


def test_an_empty_patch_changes_nothing(admin, world):
    assert admin.ok("PATCH", "/settings", {}) == DEFAULTS


def test_a_bad_setting_is_a_422_naming_it_and_nothing_is_applied(app, admin, world):
    def check(body, field):
        body = {**body, "sales": {"show_warranty_on_serial_units": False, **body.get("sales", {})}} \
            if "sales" not in body else {**body, "plan": "plus"}
        before = snapshot(app)
        assert_problem(admin.patch("/settings", body), 422, field)
        assert snapshot(app) == before
        assert admin.ok("GET", "/settings") == DEFAULTS

    each_case([
        ({"plan": "gold"}, "plan"),
        ({"plan": None}, "plan"),
        ({"inventory": {"valuation_method": "lifo"}}, "inventory.valuation_method"),
        ({"inventory": {"value_serials_by_specific_id": "yes"}}, "inventory.value_serials_by_specific_id"),
        ({"inventory": {"value_serials_by_specific_id": 1}}, "inventory.value_serials_by_specific_id"),
        ({"purchasing": {"auto_serial_length": 0}}, "purchasing.auto_serial_length"),
        ({"purchasing": {"auto_serial_length": 19}}, "purchasing.auto_serial_length"),
        ({"purchasing": {"auto_serial_length": "6"}}, "purchasing.auto_serial_length"),
        ({"purchasing": {"auto_serial_length": 6.0}}, "purchasing.auto_serial_length"),
        ({"purchasing": {"auto_serial_length": True}}, "purchasing.auto_serial_length"),
        ({"purchasing": {"auto_serial_next_number": -1}}, "purchasing.auto_serial_next_number"),
        ({"purchasing": {"auto_serial_mode": "shuffled"}}, "purchasing.auto_serial_mode"),
        ({"purchasing": {"auto_serial_prefix": 12}}, "purchasing.auto_serial_prefix"),
        ({"purchasing": {"auto_serial_prefix": "x" * 33}}, "purchasing.auto_serial_prefix"),
        ({"purchasing": {"auto_serial_prefix": "A\tB"}}, "purchasing.auto_serial_prefix"),
        ({"purchasing": {"auto_serial_enabled": "true"}}, "purchasing.auto_serial_enabled"),
        ({"sales": {"show_warranty_on_serial_units": None}}, "sales.show_warranty_on_serial_units"),
        ({"sales": {"show_warranty": True}}, "sales.show_warranty"),
        ({"shipping": {"carrier": "UPS"}}, "shipping"),
        ({"purchasing": "auto"}, "purchasing"),
    ], check)


def test_settings_must_be_a_json_object(app, admin, world):
    def check(raw):
        response = admin.patch("/settings", data=raw, headers={"Content-Type": "application/json"})
        assert_problem(response, 400)
        assert admin.ok("GET", "/settings") == DEFAULTS

    each_case(["[]", '"plan"', "null", "not json"], check)
