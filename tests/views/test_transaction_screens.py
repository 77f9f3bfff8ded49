"""The transaction screens through the test client: rights, the re-prompt, the picker's choices."""
import re

import pytest

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting import post_transaction
from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialUnit, Settings, Transaction
from tests.support.web import csrf_token_from


@pytest.fixture
def stocked(app, demo):
    with app.app_context():
        ids = {
            "clock": db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id,
            "oil": db.session.query(Item).filter_by(name="Clock Oil 10 ml").one().id,
            "warehouse": db.session.query(Location).filter_by(name="Main Warehouse").one().id,
            "showroom": db.session.query(Location).filter_by(name="Showroom").one().id,
            "acme": db.session.query(Customer).filter_by(name="Acme Clocks").one().id,
            "baker": db.session.query(Customer).filter_by(name="Baker & Sons Jewelers").one().id,
        }
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-01-05", "location_id": ids["warehouse"],
            "lines": [{"item_id": ids["clock"], "quantity": 4, "serials": ["CLK-1", "CLK-2", "CLK-3", "CLK-4"]},
                      {"item_id": ids["oil"], "quantity": 10}]}))
        post_transaction(db.session, read_document({
            "type": "shipment", "date": "2026-01-06", "location_id": ids["warehouse"], "customer_id": ids["acme"],
            "lines": [{"item_id": ids["clock"], "quantity": 1, "serials": ["CLK-4"]}]}))
    return ids


def post_form(client, url, data):
    token = csrf_token_from(client.get(url).text)
    return client.post(url, data=dict(data, csrf_token=token))


@pytest.mark.parametrize("path", ["item_receipts", "shipments", "transfers", "adjustments", "returns",
                                  "pick_tickets", "rentals", "rental_returns", "builds", "processes"])
def test_every_kind_has_a_list_and_an_entry_screen(login, path):
    client = login("clerk")
    assert client.get(f"/admin/{path}/").status_code == 200
    page = client.get(f"/admin/{path}/new/")
    assert page.status_code == 200 and 'id="transaction-form"' in page.text


def test_support_may_neither_read_transactions_nor_post(login, stocked):
    client = login("support")
    assert client.get("/admin/shipments/").status_code == 403
    assert client.get("/admin/shipments/new/").status_code == 403


def test_saving_without_serials_reprompts_and_keeps_the_input(app, login, stocked):
    client = login("clerk")
    response = post_form(client, "/admin/item_receipts/new/", {
        "date": "2026-02-01", "location_id": str(stocked["showroom"]), "memo": "Dock 4",
        "lines-0-item_id": str(stocked["clock"]), "lines-0-quantity": "3", "lines-0-serials": ["NEW-1"],
        "lines-1-item_id": str(stocked["oil"]), "lines-1-quantity": "2"})
    assert response.status_code == 422
    assert "Armenian Mantel Clock needs 2 more serial numbers (1 of 3 given)." in response.text
    assert 'value="Dock 4"' in response.text and "NEW-1" in response.text
    with app.app_context():
        assert db.session.query(Transaction).count() == 2


def test_a_saved_receipt_shows_its_serials(app, login, stocked):
    client = login("clerk")
    response = post_form(client, "/admin/item_receipts/new/", {
        "date": "2026-02-01", "location_id": str(stocked["showroom"]),
        "lines-0-item_id": str(stocked["clock"]), "lines-0-quantity": "2",
        "lines-0-serials": [" NEW-1 ", "NEW-2"], "lines-0-unit_cost": "99.50"})
    assert response.status_code == 302
    details = client.get(response.headers["Location"])
    assert re.findall(r'class="badge badge-light serial">([^<]*)', details.text) == ["NEW-1", "NEW-2"]
    assert "Item receipt IR-" in details.text and "posted: 2 units of Armenian Mantel Clock" in details.text


def test_a_refused_outbound_serial_says_where_the_unit_is(login, stocked):
    client = login("clerk")
    response = post_form(client, "/admin/shipments/new/", {
        "date": "2026-02-01", "location_id": str(stocked["warehouse"]), "customer_id": str(stocked["baker"]),
        "lines-0-item_id": str(stocked["clock"]), "lines-0-quantity": "1", "lines-0-serials": ["CLK-4"]})
    assert response.status_code == 422
    assert "CLK-4 of Armenian Mantel Clock is shipped to customer Acme Clocks, not in stock at Main Warehouse" \
        in response.text


def test_picker_offers_only_units_available_where_the_document_takes_them(login, stocked):
    client = login("clerk")
    url = "/admin/shipments/serial-options/"
    in_stock = client.get(url, query_string={"type": "shipment", "item_id": stocked["clock"],
                                             "location_id": stocked["warehouse"], "q": "clk"}).json
    assert [o["serial_number"] for o in in_stock] == ["CLK-1", "CLK-2", "CLK-3"]
    narrowed = client.get(url, query_string={"type": "shipment", "item_id": stocked["clock"],
                                             "location_id": stocked["warehouse"], "q": "CLK-2"}).json
    assert [o["serial_number"] for o in narrowed] == ["CLK-2"]
    returnable = client.get(url, query_string={"type": "return", "item_id": stocked["clock"],
                                               "customer_id": stocked["acme"]}).json
    assert [o["serial_number"] for o in returnable] == ["CLK-4"]
    other_customer = client.get(url, query_string={"type": "return", "item_id": stocked["clock"],
                                                   "customer_id": stocked["baker"]}).json
    assert other_customer == []
    elsewhere = client.get(url, query_string={"type": "shipment", "item_id": stocked["clock"],
                                              "location_id": stocked["showroom"]}).json
    assert elsewhere == []


def test_picker_needs_a_signed_in_user(client, stocked):
    response = client.get("/admin/shipments/serial-options/", query_string={"item_id": stocked["clock"]})
    assert response.status_code == 302


def test_shipment_packing_list_on_the_screens(app, login, stocked):
    client = login("clerk")
    with app.app_context():
        shipment = db.session.query(Transaction).filter_by(type="shipment").one()
        receipt = db.session.query(Transaction).filter_by(type="item_receipt").one()
        shipment_id, receipt_id = shipment.id, receipt.id
    details = client.get(f"/admin/transactions/details/?id={shipment_id}").text
    assert "Packing list" in details
    packing = client.get(f"/admin/transactions/packing-list/?id={shipment_id}")
    assert packing.status_code == 200 and "CLK-4" in packing.text and "1 year parts and labor" in packing.text
    assert client.get(f"/admin/transactions/packing-list/?id={receipt_id}").status_code == 404


def test_documents_cannot_be_edited_or_deleted(login, stocked):
    client = login("admin")
    assert client.get("/admin/shipments/edit/?id=2").status_code == 403
    page = client.get("/admin/shipments/")
    assert client.post("/admin/shipments/delete/", data={"id": "2", "csrf_token": csrf_token_from(page.text)}) \
        .status_code == 403


def test_units_moved_by_the_screen_are_recorded(app, login, stocked):
    client = login("clerk")
    response = post_form(client, "/admin/transfers/new/", {
        "date": "2026-02-02", "location_id": str(stocked["warehouse"]), "to_location_id": str(stocked["showroom"]),
        "lines-0-item_id": str(stocked["clock"]), "lines-0-quantity": "2", "lines-0-serials": ["CLK-1", "clk-2"]})
    assert response.status_code == 302
    with app.app_context():
        moved = db.session.query(SerialUnit).filter(SerialUnit.serial_key.in_(["clk-1", "clk-2"])).all()
        assert {u.location_id for u in moved} == {stocked["showroom"]}


def _auto_numbering_by_item(html: str) -> dict[str, str]:
    """Each item option's name and what the server says of its automatic numbering."""
    options = re.findall(r'<option value="\d+" data-tracked="\w+"\s+data-auto-numbering="(\w+)"\s*[^>]*>([^<(]+)',
                         html)
    return {name.strip(): numbered for numbered, name in options}


def test_the_entry_form_marks_the_items_that_can_be_numbered_automatically(app, login, stocked):
    client = login("clerk")
    with app.app_context():
        Settings.current(db.session).auto_serial_enabled = False
        db.session.commit()
    numbered = _auto_numbering_by_item(client.get("/admin/item_receipts/new/").text)
    assert numbered["Armenian Mantel Clock"] == "no" and numbered["Clock Oil 10 ml"] == "no"
    with app.app_context():
        db.session.get(Item, stocked["clock"]).auto_serial_prefix = "ARM-"
        db.session.commit()
    numbered = _auto_numbering_by_item(client.get("/admin/item_receipts/new/").text)
    assert numbered["Armenian Mantel Clock"] == "yes" and numbered["Clock Oil 10 ml"] == "no"
    with app.app_context():
        Settings.current(db.session).auto_serial_enabled = True
        db.session.commit()
    numbered = _auto_numbering_by_item(client.get("/admin/item_receipts/new/").text)
    assert set(numbered.values()) == {"yes"}


def test_a_receipt_screen_line_numbers_an_item_with_its_own_prefix(app, login, stocked):
    client = login("clerk")
    with app.app_context():
        Settings.current(db.session).auto_serial_enabled = False
        db.session.get(Item, stocked["clock"]).auto_serial_prefix = "ARM-"
        db.session.commit()
    response = post_form(client, "/admin/item_receipts/new/", {
        "date": "2026-01-07", "location_id": str(stocked["warehouse"]), "lines-0-item_id": str(stocked["clock"]),
        "lines-0-quantity": "2", "lines-0-auto_serials": "y"})
    assert response.status_code == 302, response.text
    with app.app_context():
        made = db.session.query(SerialUnit.serial_number).filter(SerialUnit.serial_number.like("ARM-%")).all()
        assert sorted(s for (s,) in made) == ["ARM-000001", "ARM-000002"]
