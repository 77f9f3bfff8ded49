"""Custom fields through the API: read and written under "custom_fields" on every record that has them."""
from __future__ import annotations

import pytest

from sos_serial.extensions import db
from sos_serial.models import Customer, SerialHistory, SerialUnit, Transaction, Vendor
from tests.support import custom_fields_plugin
from tests.support.api import ApiClient, assert_problem, issue_token, post_doc
from tests.support.world import line, make_company


@pytest.fixture
def fields_app(app_config, stock_free_app_factory):
    return stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [custom_fields_plugin]})


@pytest.fixture
def co(fields_app):
    with fields_app.app_context():
        made = make_company(db.session, with_clerk=False)
        db.session.remove()
    return made


@pytest.fixture
def clerk(fields_app):
    return ApiClient(fields_app.test_client(), issue_token(fields_app, "clerk", "clerk"), "clerk")


@pytest.fixture
def support(fields_app):
    return ApiClient(fields_app.test_client(), issue_token(fields_app, "support", "support"), "support")


def stored(fields_app, model, record_id) -> dict:
    with fields_app.app_context():
        value = db.session.get(model, record_id).custom_fields
        db.session.remove()
    return value


def add_unit(clerk, co, serial="CF-1", **fields):
    return clerk.ok("POST", "/serials", {"item_id": co.clock, "serial_number": serial, "location_id": co.main,
                                         "custom_fields": {"inspector": "Ani", **fields}}, status=201)


def test_a_flag_on_customers_is_written_and_read_back(fields_app, co, clerk):
    made = clerk.ok("POST", "/customers", {"name": "Chronos Ltd", "custom_fields": {"key_account": True}}, status=201)
    assert made["custom_fields"] == {"key_account": True}
    assert clerk.ok("GET", f"/customers/{made['id']}")["custom_fields"] == {"key_account": True}
    changed = clerk.ok("PATCH", f"/customers/{made['id']}", {"custom_fields": {"key_account": False}})
    assert changed["custom_fields"] == {"key_account": False} and changed["name"] == "Chronos Ltd"
    # Records without values answer an empty object.
    assert clerk.ok("GET", f"/customers/{co.acme}")["custom_fields"] == {}
    listed = clerk.ok("GET", "/customers")["items"]
    assert {c["name"]: c["custom_fields"] for c in listed}["Chronos Ltd"] == {"key_account": False}


def test_a_wrong_value_is_refused_naming_the_field_and_nothing_is_written(fields_app, co, clerk):
    body = assert_problem(clerk.post("/customers", {"name": "Bad", "custom_fields": {"key_account": "yes"}}),
                          422, "custom_fields.key_account")
    assert "Key account" in body["detail"]
    with fields_app.app_context():
        assert db.session.query(Customer).filter_by(name="Bad").count() == 0
    assert_problem(clerk.patch(f"/customers/{co.acme}", {"custom_fields": {"tier": "gold"}}), 422,
                   "custom_fields.tier")
    assert_problem(clerk.post("/customers", {"name": "Bad", "custom_fields": "yes"}), 422, "custom_fields")
    assert stored(fields_app, Customer, co.acme) == {}


def test_required_fields_are_required_when_a_record_is_made(fields_app, co, clerk):
    assert_problem(clerk.post("/vendors", {"name": "No Code"}), 422, "custom_fields.vendor_code")
    made = clerk.ok("POST", "/vendors", {"name": "Coded", "custom_fields": {"vendor_code": "V-7"}}, status=201)
    # A change that leaves it alone keeps it; existing vendors without it can still be renamed.
    assert clerk.ok("PATCH", f"/vendors/{made['id']}", {"name": "Coded Ltd"})["custom_fields"] == {"vendor_code": "V-7"}
    assert clerk.ok("PATCH", f"/vendors/{co.vendor}", {"name": "Yerevan Clockworks AM"})["custom_fields"] == {}
    assert_problem(clerk.patch(f"/vendors/{made['id']}", {"custom_fields": {"vendor_code": None}}), 422,
                   "custom_fields.vendor_code")


def test_items_and_locations_take_their_fields(fields_app, co, clerk):
    item = clerk.ok("POST", "/items", {"name": "Cuckoo Clock", "custom_fields": {"shelf_life_days": 90}}, status=201)
    assert item["custom_fields"] == {"shelf_life_days": 90}
    changed = clerk.ok("PATCH", f"/items/{item['id']}", {"custom_fields": {"origin": "DE"}})
    assert changed["custom_fields"] == {"shelf_life_days": 90, "origin": "DE"}
    assert_problem(clerk.patch(f"/items/{item['id']}", {"custom_fields": {"origin": "FR"}}), 422,
                   "custom_fields.origin")
    assert clerk.ok("GET", f"/items/{item['id']}")["custom_fields"] == {"shelf_life_days": 90, "origin": "DE"}
    location = clerk.ok("POST", "/locations", {"name": "Cellar", "custom_fields": {"climate": True}}, status=201)
    assert location["custom_fields"] == {"climate": True}


def test_a_transaction_carries_its_own_fields_and_its_new_units_none(fields_app, co, clerk):
    posted = post_doc(clerk, type="item_receipt", location_id=co.main, lines=[line(co.clock, 2, serials=["A", "B"])],
                      custom_fields={"carrier": "DHL", "reference": "PO-17"})
    assert posted["custom_fields"] == {"carrier": "DHL", "reference": "PO-17"}
    assert clerk.ok("GET", f"/transactions/{posted['id']}")["custom_fields"] == {"carrier": "DHL",
                                                                                  "reference": "PO-17"}
    units = clerk.ok("GET", "/serials", query_string={"item_id": co.clock})["items"]
    # A required serial-unit field is not asked of a posting's new units.
    assert [u["custom_fields"] for u in units] == [{}, {}]
    refused = post_doc(clerk, None, type="item_receipt", location_id=co.main,
                       lines=[line(co.clock, 1, serials=["C"])], custom_fields={"carrier": "FedEx"})
    assert_problem(refused, 422, "custom_fields.carrier")
    with fields_app.app_context():
        assert db.session.query(Transaction).count() == 1


def test_a_serial_units_fields_are_edited_and_each_change_is_in_its_history(fields_app, co, clerk):
    unit = add_unit(clerk, co, calibrated_on="2026-01-02")
    assert unit["custom_fields"] == {"inspector": "Ani", "calibrated_on": "2026-01-02"}
    changed = clerk.ok("PATCH", f"/serials/{unit['id']}", {"custom_fields": {"calibrated_on": "2026-03-04",
                                                                            "inspector": "Narek"}})
    assert changed["custom_fields"] == {"inspector": "Narek", "calibrated_on": "2026-03-04"}
    history = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert history[-1]["transaction_type"] == "edit"
    assert history[-1]["changes"] == {"custom_fields.calibrated_on": ["2026-01-02", "2026-03-04"],
                                      "custom_fields.inspector": ["Ani", "Narek"]}
    # Clearing one is a change too; the same values again add no row.
    clerk.ok("PATCH", f"/serials/{unit['id']}", {"custom_fields": {"calibrated_on": None}})
    clerk.ok("PATCH", f"/serials/{unit['id']}", {"custom_fields": {"inspector": "Narek"}})
    history = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert len(history) == 3 and history[-1]["changes"] == {"custom_fields.calibrated_on": ["2026-03-04", None]}


def test_a_serial_units_field_errors_name_the_field_and_write_nothing(fields_app, co, clerk, support):
    assert_problem(clerk.post("/serials", {"item_id": co.clock, "serial_number": "NO-INSPECTOR",
                                           "location_id": co.main}), 422, "custom_fields.inspector")
    unit = add_unit(clerk, co)
    cases = [({"calibrated_on": "05/01/2026"}, 422), ({"inspector": None}, 422), ({"rfid": "E200"}, 409),
             ({"colour": "red"}, 422)]
    for given, status in cases:
        body = assert_problem(clerk.patch(f"/serials/{unit['id']}", {"custom_fields": given, "notes": "x"}), status,
                              f"custom_fields.{next(iter(given))}")
        assert "CF-1" in body["detail"]
    # Support corrects warranty dates and notes only.
    assert_problem(support.patch(f"/serials/{unit['id']}", {"custom_fields": {"inspector": "S"}}), 403)
    assert stored(fields_app, SerialUnit, unit["id"]) == {"inspector": "Ani"}
    with fields_app.app_context():
        unit_row = db.session.get(SerialUnit, unit["id"])
        assert unit_row.notes is None
        assert db.session.query(SerialHistory).filter_by(serial_unit_id=unit["id"]).count() == 1


def test_the_openapi_document_lists_the_apps_fields(fields_app, clerk, app):
    schemas = fields_app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    answer = schemas["SerialUnit"]["properties"]["custom_fields"]
    assert answer["properties"]["calibrated_on"]["format"] == "date"
    assert set(answer["properties"]) == {"calibrated_on", "inspector", "rfid"}
    assert schemas["TransactionInput"]["properties"]["custom_fields"]["properties"]["carrier"]["enum"] == \
        ["DHL", "UPS", None]
    assert "key_account (boolean)" in schemas["Named"]["properties"]["custom_fields"]["description"]
    # An app without plugins documents an open object.
    plain = app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "properties" not in plain["SerialUnit"]["properties"]["custom_fields"]


def test_records_written_before_have_an_empty_object(fields_app, co, clerk):
    assert stored(fields_app, Vendor, co.vendor) == {}


def test_serials_are_filtered_by_a_custom_field(fields_app, co, clerk):
    first = add_unit(clerk, co, "CF-1", calibrated_on="2026-01-02")
    add_unit(clerk, co, "CF-2", inspector="Narek")
    post_doc(clerk, type="item_receipt", location_id=co.main, lines=[line(co.clock, 1, serials=["PLAIN"])])

    def serials(**query):
        return [u["serial_number"] for u in clerk.ok("GET", "/serials", query_string=query)["items"]]

    assert serials(**{"custom_fields.inspector": "Narek"}) == ["CF-2"]
    assert serials(**{"custom_fields.inspector": "Ani"}) == ["CF-1"]
    assert serials(**{"custom_fields.calibrated_on": "2026-01-02", "item_id": co.clock}) == ["CF-1"]
    assert clerk.ok("GET", "/serials", query_string={"custom_fields.inspector": "Ani"})["total"] == 1
    assert first["serial_number"] == "CF-1"
    assert_problem(clerk.get("/serials", query_string={"custom_fields.colour": "red"}), 422, "custom_fields.colour")
    assert_problem(clerk.get("/serials", query_string={"custom_fields.calibrated_on": "soon"}), 422,
                   "custom_fields.calibrated_on")
