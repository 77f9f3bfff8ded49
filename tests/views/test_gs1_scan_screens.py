"""Scanned GS1 barcodes on the screens: S/N fields, the S/N check, the pickers, the warranty lookup, the unit's page."""
import re

import pytest

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialUnit
from tests.support.web import csrf_token_from

GS = "\x1d"
SCAN = "]d2010950600013435221ABC123" + GS + "10LOT7" + GS + "17271200"


@pytest.fixture
def ids(app, demo):
    with app.app_context():
        return {
            "clock": db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id,
            "grandfather": db.session.query(Item).filter_by(name="Grandfather Clock").one().id,
            "cuckoo": db.session.query(Item).filter_by(name="Cuckoo Clock").one().id,
            "warehouse": db.session.query(Location).filter_by(name="Main Warehouse").one().id,
            "acme": db.session.query(Customer).filter_by(name="Acme Clocks").one().id,
        }


def post_form(client, url, data):
    token = csrf_token_from(client.get(url).text)
    return client.post(url, data=dict(data, csrf_token=token))


def receive_scan(client, ids, item="clock", serials=(SCAN,)):
    return post_form(client, "/admin/item_receipts/new/", {
        "date": "2026-02-01", "location_id": str(ids["warehouse"]), "lines-0-item_id": str(ids[item]),
        "lines-0-quantity": str(len(serials)), "lines-0-serials": list(serials)})


def test_the_demo_gives_two_tracked_items_a_gtin(app, ids):
    with app.app_context():
        assert db.session.get(Item, ids["clock"]).gtin14 == "09506000134352"
        assert db.session.get(Item, ids["grandfather"]).gtin14 == "09506000990026"


def test_a_scan_in_an_sn_field_is_received_as_its_serial_and_the_units_page_shows_its_lot(app, login, ids):
    client = login("clerk")
    response = receive_scan(client, ids)
    assert response.status_code == 302
    details = client.get(response.headers["Location"]).text
    assert re.findall(r'class="badge badge-light serial">([^<]*)', details) == ["ABC123"]
    with app.app_context():
        unit = db.session.query(SerialUnit).filter_by(serial_number="ABC123").one()
        assert (unit.lot, unit.expiry_date.isoformat()) == ("LOT7", "2027-12-31")
        unit_id = unit.id
    page = client.get(f"/admin/serial_inventory/edit/?id={unit_id}").text
    assert 'data-field="lot">LOT7<' in page and 'data-field="expiry_date">2027-12-31<' in page


def test_a_scan_of_another_items_gtin_is_refused_on_the_form_naming_both(app, login, ids):
    client = login("clerk")
    response = receive_scan(client, ids, item="grandfather")
    assert response.status_code == 422
    assert "09506000134352 (Armenian Mantel Clock)" in response.text and "09506000990026" in response.text
    cuckoo = receive_scan(client, ids, item="cuckoo")
    assert "Cuckoo Clock has no GTIN" in cuckoo.text
    with app.app_context():
        assert db.session.query(SerialUnit).count() == 0


def test_the_sn_check_shows_the_serial_a_scan_stands_for(login):
    client = login("clerk")
    token = csrf_token_from(client.get("/admin/item_receipts/new/").text)
    answer = client.post("/admin/item_receipts/serial-check/", headers={"X-CSRFToken": token},
                         json={"serials": [SCAN, "ABC123", "0123456", "]d20109506000134352"]}).json
    assert answer["serials"][:3] == ["ABC123", "ABC123", "0123456"]
    assert answer["repeated"][:2] == [True, True]
    assert answer["scans"][0] == {"gtin14": "09506000134352", "lot": "LOT7", "expiry_date": "2027-12-31",
                                  "production_date": None}
    assert answer["scans"][1:3] == [None, None]
    assert answer["problems"][:3] == [None, None, None] and "no serial number" in answer["problems"][3]


def test_the_picker_finds_the_unit_a_scan_names(login, ids):
    client = login("clerk")
    receive_scan(client, ids, serials=["ABC123", "ABD1"])
    found = client.get("/admin/shipments/serial-options/", query_string={
        "type": "shipment", "item_id": ids["clock"], "location_id": ids["warehouse"], "q": SCAN, "exact": "1"}).json
    assert [o["serial_number"] for o in found] == ["ABC123"]
    shipped = post_form(client, "/admin/shipments/new/", {
        "date": "2026-02-02", "location_id": str(ids["warehouse"]), "customer_id": str(ids["acme"]),
        "lines-0-item_id": str(ids["clock"]), "lines-0-quantity": "1", "lines-0-serials": [SCAN]})
    assert shipped.status_code == 302


def test_the_warranty_lookup_reads_a_scan(login, ids):
    client = login("clerk")
    receive_scan(client, ids)
    page = client.get("/admin/warranty_lookup/", query_string={"serial": SCAN}).text
    assert 'data-serial="ABC123"' in page and 'class="col-sm-9 lot">LOT7<' in page
    assert 'value="ABC123"' in page
    # Its AI 01 names the item: the grandfather clock's GTIN finds no clock unit of that serial.
    other = client.get("/admin/warranty_lookup/", query_string={"serial": "(01)09506000990026(21)ABC123"}).text
    assert "No serial unit matches ABC123" in other
    unreadable = client.get("/admin/warranty_lookup/", query_string={"serial": "]d20109506000134352"}).text
    assert "no serial number (GS1 AI 21)" in unreadable


def test_gs_stays_refused_in_fields_that_carry_no_serial(app, login, ids):
    client = login("admin")
    url = "/admin/customers/new/"
    response = client.post(url, data={"name": "Back" + GS + "Room", "csrf_token": csrf_token_from(client.get(url).text)},
                           headers={"Referer": f"http://localhost{url}"}, follow_redirects=True)
    assert "The field &#39;name&#39; holds a control character (U+001D)" in response.text
    url = "/admin/item_receipts/new/"
    memo = client.post(url, data={
        "date": "2026-02-01", "location_id": str(ids["warehouse"]), "memo": "x" + GS,
        "lines-0-item_id": str(ids["clock"]), "lines-0-quantity": "1", "lines-0-serials": [SCAN],
        "csrf_token": csrf_token_from(client.get(url).text)},
        headers={"Referer": f"http://localhost{url}"}, follow_redirects=True)
    assert "The field &#39;memo&#39; holds a control character (U+001D)" in memo.text
    assert client.get("/admin/items/", query_string={"sort": "1" + GS}).status_code == 400
    with app.app_context():
        assert db.session.query(SerialUnit).count() == 0


def test_add_new_takes_a_scan_longer_than_a_serial_and_keeps_its_data(app, login, ids):
    client = login("clerk")
    long_scan = ("]d2010950600013435221ABC123" + GS + "10LOT-0123456789ABCD" + GS + "11250100" + "17271231"
                 + "240" + "X" * 30)  # AI 240 (additional item id) makes it longer than any serial
    assert len(long_scan) > 64
    page = client.get("/admin/serial_inventory/new/").text
    response = client.post("/admin/serial_inventory/new/", data={
        "item": str(ids["clock"]), "serial_number": long_scan, "place": "location", "location": str(ids["warehouse"]),
        "customer": "__None", "unit_cost": "", "warranty_start": "", "warranty_end": "", "notes": "",
        "csrf_token": csrf_token_from(page)}, follow_redirects=True)
    assert "Serial ABC123 of Armenian Mantel Clock saved." in response.text
    with app.app_context():
        unit = db.session.query(SerialUnit).filter_by(serial_number="ABC123").one()
        assert (unit.lot, unit.production_date.isoformat(), unit.expiry_date.isoformat()) == (
            "LOT-0123456789ABCD", "2025-01-31", "2027-12-31")
    refused = client.post("/admin/serial_inventory/new/", data={
        "item": str(ids["clock"]), "serial_number": "Y" * 65, "place": "location", "location": str(ids["warehouse"]),
        "customer": "__None", "csrf_token": csrf_token_from(page)}, follow_redirects=True)
    assert "A serial number has at most 64 characters." in refused.text
