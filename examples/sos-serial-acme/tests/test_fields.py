"""Tasks 3 and 6: a "key account" flag on customers and a calibration date on serial units."""
import re

import pytest
import sos_serial_acme

pytestmark = pytest.mark.sos_serial_app(plugins=[sos_serial_acme])


# ---------------------------------------------------------------- task 3: a flag on customers
def test_a_customer_is_flagged_a_key_account_through_the_api(sos_api):
    api = sos_api("clerk")
    created = api.ok("POST", "/customers", {"name": "Harbour Clocks", "custom_fields": {"acme_key_account": True}},
                     status=201)
    assert created["custom_fields"] == {"acme_key_account": True}
    assert api.ok("GET", f"/customers/{created['id']}")["custom_fields"] == {"acme_key_account": True}


def test_a_flag_that_is_not_a_yes_or_no_is_refused_naming_the_field(sos_api):
    response = sos_api("clerk").post("/customers", {"name": "Harbour Clocks",
                                                    "custom_fields": {"acme_key_account": "perhaps"}})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["custom_fields.acme_key_account"]
    assert sos_api("clerk").ok("GET", "/customers")["items"] == []


def test_the_flag_is_a_checkbox_on_the_customer_form(sos_web):
    page = sos_web("clerk").get("/admin/customers/new/").get_data(as_text=True)
    assert "Key account" in page and 'type="checkbox"' in page


# ---------------------------------------------------------------- task 6: a field on serial units
def test_the_calibration_date_is_written_and_read_through_the_api(sos_api, sos_make):
    unit = sos_make.unit(sos_make.item("Wall Clock"), "W-1", sos_make.location("Main Warehouse"))
    api = sos_api("clerk")
    patched = api.ok("PATCH", f"/serials/{unit.id}", {"custom_fields": {"acme_calibrated_on": "2026-02-01"}})
    assert patched["custom_fields"] == {"acme_calibrated_on": "2026-02-01"}
    assert api.ok("GET", f"/serials/{unit.id}")["custom_fields"] == {"acme_calibrated_on": "2026-02-01"}
    refused = api.patch(f"/serials/{unit.id}", {"custom_fields": {"acme_calibrated_on": "last spring"}})
    assert refused.status_code == 422 and "Calibrated on" in refused.get_json()["detail"]


def test_the_calibration_date_is_a_column_of_the_serial_inventory_list(sos_api, sos_make, sos_web):
    unit = sos_make.unit(sos_make.item("Wall Clock"), "W-1", sos_make.location("Main Warehouse"))
    sos_api("clerk").ok("PATCH", f"/serials/{unit.id}", {"custom_fields": {"acme_calibrated_on": "2026-02-01"}})
    web = sos_web("clerk")
    listed = web.get("/admin/serial_inventory/").get_data(as_text=True)
    assert 'value="cf_acme_calibrated_on"' in listed  # offered in the column chooser, off until chosen
    assert "2026-02-01" not in listed
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', listed).group(1)
    web.post("/admin/serial_inventory/columns/", data={
        "columns": ["item", "serial_number", "cf_acme_calibrated_on"], "csrf_token": token})
    listed = web.get("/admin/serial_inventory/").get_data(as_text=True)
    assert "2026-02-01" in listed
