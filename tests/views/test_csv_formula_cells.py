"""CSV injection: every export the screens offer writes a typed formula as text, and a number as a number."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, User, Vendor
from sos_serial.views.csv_export import neutralise_cell
from tests.support import custom_fields_plugin
from tests.support.web import PASSWORD, csrf_token_from
from tests.support.world import make_company, receive, ship

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EVIL_CUSTOMER = "=cmd|' /C calc'!A0"
EVIL_SKU = "=1+2"
EVIL_SERIAL = "@SUM(1)"
EVIL_LOCATION = "+HYPERLINK(\"http://evil.example\")"
EVIL_VENDOR = "-2+3"
EVIL_VENDOR_CODE = "\t=1+1"


@dataclass
class Evil:
    client: object  # signed in as an admin


@pytest.fixture
def fields_app(app_config, stock_free_app_factory):
    # With the custom fields plugin: custom-field columns are exported too, a number among them.
    return stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [custom_fields_plugin]})


@pytest.fixture
def evil(fields_app, password_hash) -> Evil:
    """A company whose names, SKU and serial were typed by someone who wanted them to run as formulas."""
    with fields_app.app_context():
        co = make_company(db.session)
        customer = Customer(name=EVIL_CUSTOMER)
        location = Location(name=EVIL_LOCATION)
        vendor = Vendor(name=EVIL_VENDOR, custom_fields={"vendor_code": EVIL_VENDOR_CODE})
        db.session.add_all([customer, location, vendor, User(username="boss", role="admin",
                                                                password_hash=password_hash)])
        clock = db.session.get(Item, co.clock)
        clock.sku = EVIL_SKU
        clock.custom_fields = {"shelf_life_days": -30}
        db.session.commit()
        today = date.today().isoformat()
        receive(co.clock, [EVIL_SERIAL, "PLAIN-1"], location.id, date=today)
        ship(co.clock, [EVIL_SERIAL], location.id, customer.id, date=today)
        db.session.remove()
    client = fields_app.test_client()
    page = client.get("/login")
    answer = client.post("/login", data={"username": "boss", "password": PASSWORD,
                                         "csrf_token": csrf_token_from(page.text)})
    assert answer.status_code == 302, answer.text
    return Evil(client=client)


def read_csv(client, url) -> list[list[str]]:
    with client.get(url) as response:
        assert response.status_code == 200 and response.mimetype == "text/csv", response.text
        return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def assert_no_formula(rows):
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (cell, row)


def column(rows, title) -> list[str]:
    return [row[rows[0].index(title)] for row in rows[1:]]


@pytest.mark.parametrize("value, cell", [
    (-3, "-3"), (Decimal("-12.50"), "-12.50"), (-0.5, "-0.5"), (0, "0"), (True, "True"),
    ("-3", "'-3"), ("=1+2", "'=1+2"),
])
def test_a_number_written_by_the_code_stays_a_number_and_typed_text_is_quoted(value, cell):
    assert neutralise_cell(value) == cell


def test_items_export_quotes_a_formula_sku_and_keeps_a_negative_number_field(evil):
    rows = read_csv(evil.client, "/admin/items/export/csv/")
    assert_no_formula([[c for c, h in zip(r, rows[0]) if h != "Shelf life (days)"] for r in rows])
    by_name = {row[0]: row for row in rows[1:]}
    clock = by_name["Armenian Mantel Clock"]
    assert clock[rows[0].index("SKU")] == "'" + EVIL_SKU
    # A number the code writes keeps its sign: the spreadsheet reads it as a number, not a formula.
    assert clock[rows[0].index("Shelf life (days)")] == "-30"
    assert clock[rows[0].index("Default cost")] == "149.99"


@pytest.mark.parametrize("endpoint, name", [
    ("customers", EVIL_CUSTOMER), ("locations", EVIL_LOCATION), ("vendors", EVIL_VENDOR),
])
def test_named_record_exports_quote_a_formula_name(evil, endpoint, name):
    rows = read_csv(evil.client, f"/admin/{endpoint}/export/csv/")
    assert_no_formula(rows)
    assert "'" + name in column(rows, "Name")
    if endpoint == "vendors":
        assert "'" + EVIL_VENDOR_CODE in column(rows, "Vendor code")


def test_serial_inventory_export_quotes_the_serial_and_the_customer(evil):
    rows = read_csv(evil.client, "/admin/serial_inventory/export/csv/")
    assert_no_formula(rows)
    by_serial = {row[1]: row for row in rows[1:]}
    assert by_serial["'" + EVIL_SERIAL][2] == "'" + EVIL_CUSTOMER
    assert by_serial["PLAIN-1"][2] == "'" + EVIL_LOCATION


def test_history_report_export_quotes_every_cell(evil):
    rows = read_csv(evil.client, "/admin/serial_history/export/csv/")
    assert_no_formula(rows)
    assert "'" + EVIL_SERIAL in column(rows, "Serial number")
    assert {"'" + EVIL_CUSTOMER, "'" + EVIL_LOCATION} <= set(column(rows, "Location / customer"))


def test_warranties_expiring_export_quotes_the_customer_and_serial(evil):
    rows = read_csv(evil.client, "/admin/warranties_expiring/?format=csv&days=400")
    assert_no_formula(rows)
    assert column(rows, "Customer") == ["'" + EVIL_CUSTOMER]
    assert column(rows, "Serial number") == ["'" + EVIL_SERIAL]
    assert int(column(rows, "Days left")[0]) >= 364


def test_the_screens_offer_csv_only(fields_app):
    from sos_serial.views.secured_view import SecuredModelView

    with fields_app.app_context():
        admin = fields_app.extensions["admin"][0]
        exporting = [v for v in admin._views if isinstance(v, SecuredModelView) and v.can_export]
    assert {v.endpoint for v in exporting} >= {"items", "customers", "locations", "vendors", "serial_inventory",
                                                "serial_history"}
    assert all(v.export_types == ["csv"] for v in exporting)
