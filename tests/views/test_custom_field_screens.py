"""Custom fields on the screens: typed inputs on the forms, list columns in the chooser, filters and CSV export."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import Customer, SerialHistory, SerialUnit, User
from sos_serial.models.serial_unit import serial_key
from tests.support import custom_fields_plugin
from tests.support.web import PASSWORD, csrf_token_from, read_version_from
from tests.support.world import make_company, receive

LIST = "/admin/serial_inventory/"


@pytest.fixture
def fields_app(app_config, stock_free_app_factory):
    return stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [custom_fields_plugin]})


@pytest.fixture
def co(fields_app):
    with fields_app.app_context():
        made = make_company(db.session)
        receive(made.clock, ["CLK-1", "CLK-2"], made.main)
        db.session.remove()
    return made


@pytest.fixture
def sign_in(fields_app, password_hash):
    def as_role(role):
        with fields_app.app_context():
            db.session.add(User(username=f"{role}-cf", role=role, password_hash=password_hash))
            db.session.commit()
            db.session.remove()
        client = fields_app.test_client()
        page = client.get("/login")
        answer = client.post("/login", data={"username": f"{role}-cf", "password": PASSWORD,
                                             "csrf_token": csrf_token_from(page.text)})
        assert answer.status_code == 302, answer.text
        return client
    return as_role


def in_app(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def unit(app, serial):
    return in_app(app, lambda: db.session.scalars(select(SerialUnit).where(
        SerialUnit.serial_key == serial_key(serial))).one())


def inputs_of(html) -> dict[str, str]:
    return {name: tag for tag, name in ((m.group(0), m.group(1)) for m in re.finditer(
        r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*>', html))}


def edit_form(client, unit_id, **fields):
    html = client.get(f"/admin/serial_inventory/edit/?id={unit_id}").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="version"', html)
    data = {"csrf_token": csrf_token_from(html), "version": version.group(1), "warranty_start": "",
            "warranty_end": "", "notes": "", "cf_calibrated_on": "", "cf_inspector": ""}
    data.update(fields)
    return client.post(f"/admin/serial_inventory/edit/?id={unit_id}", data=data, follow_redirects=True)


def test_the_serial_unit_forms_have_typed_inputs(fields_app, co, sign_in):
    client = sign_in("clerk")
    created = inputs_of(client.get("/admin/serial_inventory/new/").text)
    assert 'type="date"' in created["cf_calibrated_on"] and 'type="text"' in created["cf_inspector"]
    # A locked field is not typed in: set by postings and plugins only.
    assert "cf_rfid" not in created
    edited = inputs_of(client.get(f"/admin/serial_inventory/edit/?id={unit(fields_app, 'CLK-1').id}").text)
    assert "disabled" in edited["cf_rfid"]


def test_editing_a_units_field_saves_it_and_records_the_change(fields_app, co, sign_in):
    client = sign_in("clerk")
    unit_id = unit(fields_app, "CLK-1").id
    answer = edit_form(client, unit_id, cf_calibrated_on="2026-04-01", cf_inspector="Ani")
    assert answer.status_code == 200, answer.text
    saved = unit(fields_app, "CLK-1")
    assert saved.custom_fields == {"calibrated_on": "2026-04-01", "inspector": "Ani"}
    changes = in_app(fields_app, lambda: db.session.scalars(select(SerialHistory.changes).where(
        SerialHistory.serial_unit_id == unit_id, SerialHistory.transaction_type == "edit")).all())
    assert changes == [{"custom_fields.calibrated_on": [None, "2026-04-01"], "custom_fields.inspector": [None, "Ani"]}]
    # The edit page shows what is stored.
    assert 'value="2026-04-01"' in inputs_of(client.get(f"/admin/serial_inventory/edit/?id={unit_id}").text)[
        "cf_calibrated_on"]


def test_support_sees_a_units_fields_but_is_not_offered_them_to_change(fields_app, co, sign_in):
    client = sign_in("support")
    unit_id = unit(fields_app, "CLK-1").id
    edited = inputs_of(client.get(f"/admin/serial_inventory/edit/?id={unit_id}").text)
    assert "disabled" in edited["cf_inspector"] and "disabled" in edited["cf_calibrated_on"]
    assert "disabled" not in edited["warranty_start"]
    # What support may correct still saves; the fields stay as they were.
    answer = edit_form(client, unit_id, notes="Checked by phone", cf_inspector="Ani")
    assert answer.status_code == 200, answer.text
    saved = unit(fields_app, "CLK-1")
    assert (saved.notes, saved.custom_fields) == ("Checked by phone", {})


def test_a_required_field_left_empty_is_refused_beside_its_input(fields_app, co, sign_in):
    client = sign_in("clerk")
    unit_id = unit(fields_app, "CLK-1").id
    edit_form(client, unit_id, cf_inspector="Ani")
    answer = edit_form(client, unit_id, cf_inspector="")
    assert "Inspector is required" in answer.text
    assert unit(fields_app, "CLK-1").custom_fields == {"inspector": "Ani"}


def test_a_unit_field_is_a_list_column_to_choose_filterable_and_exported(fields_app, co, sign_in):
    client = sign_in("clerk")
    edit_form(client, unit(fields_app, "CLK-1").id, cf_inspector="Ani")
    edit_form(client, unit(fields_app, "CLK-2").id, cf_inspector="Narek")
    html = client.get(LIST).text
    assert 'value="cf_inspector"' in html  # offered in the column chooser, off until chosen
    client.post("/admin/serial_inventory/columns/", data={
        "columns": ["item", "serial_number", "cf_inspector"], "csrf_token": csrf_token_from(html)})
    html = client.get(LIST).text
    assert "<th" in html and "Inspector" in html and ">Ani<" in html.replace(" ", "").replace("\n", "")
    filtered = client.get(LIST, query_string={"flt0_inspector_equals": "Narek"}).text
    assert "CLK-2" in filtered and "CLK-1" not in filtered
    with client.get(f"{LIST}export/csv/") as response:
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = rows[0]
    assert "Inspector" in header
    cells = {row[header.index("Serial number")]: row[header.index("Inspector")] for row in rows[1:]}
    assert cells == {"CLK-1": "Ani", "CLK-2": "Narek"}


def test_a_flag_on_customers_is_a_checkbox_saved_and_filtered(fields_app, co, sign_in):
    client = sign_in("clerk")
    page = client.get("/admin/customers/new/").text
    assert 'type="checkbox"' in inputs_of(page)["cf_key_account"]
    client.post("/admin/customers/new/", data={"name": "Chronos Ltd", "cf_key_account": "y",
                                               "csrf_token": csrf_token_from(page)}, follow_redirects=True)
    flags = in_app(fields_app, lambda: {c.name: c.custom_fields for c in db.session.scalars(select(Customer))})
    assert flags["Chronos Ltd"] == {"key_account": True}
    # The customers' only filter, by its place in the list.
    listed = client.get("/admin/customers/", query_string={"flt0_0": "1"}).text
    assert "Chronos Ltd" in listed and "Acme Clocks" not in listed


def test_an_item_field_is_checked_by_the_engine_on_save(fields_app, co, sign_in):
    client = sign_in("clerk")
    page = client.get(f"/admin/items/edit/?id={co.clock}").text
    assert "<select" in page and 'name="cf_origin"' in page and 'type="number"' in inputs_of(page)[
        "cf_shelf_life_days"]
    data = {"csrf_token": csrf_token_from(page), **read_version_from(page), "name": "Armenian Mantel Clock", "sku": "CLK-ARM-01",
            "track_serials": "y", "cost": "149.99", "warranty": str(co.one_year), "cf_shelf_life_days": "365",
            "cf_origin": "AM"}
    client.post(f"/admin/items/edit/?id={co.clock}", data=data, follow_redirects=True)
    from sos_serial.models import Item
    assert in_app(fields_app, lambda: db.session.get(Item, co.clock).custom_fields) == \
        {"shelf_life_days": 365, "origin": "AM"}


def test_a_transactions_fields_are_shown_on_its_page(fields_app, co, sign_in):
    from tests.support.world import post

    def posted():
        return post(type="item_receipt", location_id=co.main, custom_fields={"carrier": "UPS", "reference": "PO-9"},
                    lines=[{"item_id": co.clock, "quantity": 1, "serials": ["CLK-9"]}]).id
    document_id = in_app(fields_app, posted)
    html = sign_in("clerk").get(f"/admin/transactions/details/?id={document_id}").text
    assert re.search(r"Carrier</dt>\s*<dd[^>]*>UPS</dd>", html) and re.search(r"Reference</dt>\s*<dd[^>]*>PO-9<", html)


def test_a_transactions_fields_are_typed_on_its_entry_form(fields_app, co, sign_in):
    from sos_serial.models import Transaction

    client = sign_in("clerk")
    url = "/admin/item_receipts/new/"
    page = client.get(url)
    assert page.status_code == 200, page.text
    assert '<select class="form-control" id="cf_carrier"' in page.text and 'id="cf_reference"' in page.text
    data = {"csrf_token": csrf_token_from(page.text), "date": "2026-01-05", "location_id": str(co.main),
            "vendor_id": str(co.vendor), "cf_carrier": "DHL", "cf_reference": "PO-4",
            "lines-0-item_id": str(co.oil), "lines-0-quantity": "2"}
    answer = client.post(url, data=data, follow_redirects=True)
    assert answer.status_code == 200, answer.text
    stored = in_app(fields_app, lambda: [t.custom_fields for t in db.session.scalars(select(Transaction))])
    assert {"carrier": "DHL", "reference": "PO-4"} in stored
    refused = client.post(url, data={**data, "cf_carrier": "FedEx"})
    assert refused.status_code == 422 and "Must be one of DHL, UPS" in refused.text
    assert 'id="cf_reference" name="cf_reference" value="PO-4"' in refused.text


def test_plugins_list_shows_each_custom_field_a_plugin_declared(fields_app):
    result = fields_app.test_cli_runner().invoke(args=["plugins", "list"])
    assert result.exit_code == 0, result.output
    block = result.output[result.output.index("tests.support.custom_fields_plugin  ["):]
    assert "    declares custom field customer.key_account (boolean)" in block
    assert "    declares custom field serial_unit.rfid (text, locked)" in block
