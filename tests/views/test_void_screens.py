"""Void and Amend on the saved document's screen; lists and history screens show what was voided."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import SerialUnit, Transaction
from sos_serial.models.serial_unit import serial_key
from tests.support.web import csrf_token_from
from tests.support.world import make_company, receive, ship


def posted(app, work):
    with app.app_context():
        try:
            co = make_company(db.session, with_clerk=False)
            return co, work(co)
        finally:
            db.session.remove()


def details(document_id) -> str:
    return f"/admin/transactions/details/?id={document_id}"


def void_form(client, document_id, reason, action="void"):
    page = client.get(details(document_id)).text
    return client.post(f"/admin/transactions/{action}/", data={
        "id": document_id, "reason": reason, "csrf_token": csrf_token_from(page)})


def unit_of(app, item_id, serial) -> SerialUnit:
    with app.app_context():
        found = db.session.scalars(select(SerialUnit).where(
            SerialUnit.item_id == item_id, SerialUnit.serial_key == serial_key(serial))).one()
        db.session.expunge(found)
        db.session.remove()
    return found


def test_a_clerk_voids_a_shipment_and_the_screens_say_so(app, login):
    co, shipment = posted(app, lambda co: (receive(co.clock, ["CLK-1"], co.main),
                                           ship(co.clock, ["CLK-1"], co.main, co.acme))[1].id)
    client = login("clerk")
    page = client.get(details(shipment)).text
    assert 'id="void-form"' in page and 'name="reason"' in page
    response = void_form(client, shipment, "Wrong customer")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "voided: its units, stock and value are back" in page
    assert "Wrong customer" in page and "document-voided" in page
    assert 'id="void-form"' not in page  # voided once
    assert "document-voided" in client.get("/admin/shipments/").text
    unit = unit_of(app, co.clock, "CLK-1")
    assert (unit.status, unit.location_id) == ("in_stock", co.main)
    history = client.get(f"/admin/serial_inventory/history/?id={unit.id}").text
    assert "Voided" in history and "Reason: Wrong customer" in history
    assert "Reason: Wrong customer" in client.get("/admin/serial_history/").text


def test_a_refused_void_says_which_unit_moved_and_changes_nothing(app, login):
    def work(co):
        receipt = receive(co.clock, ["CLK-1", "CLK-2"], co.main)
        shipment = ship(co.clock, ["CLK-2"], co.main, co.acme)
        return receipt.id, shipment.number
    co, (receipt, later) = posted(app, work)
    client = login("clerk")
    response = void_form(client, receipt, "Typo")
    page = client.get(response.headers["Location"]).text
    assert "Not voided" in page and "CLK-2" in page and later in page
    with app.app_context():
        assert db.session.get(Transaction, receipt).status == "posted"
        db.session.remove()


def test_a_void_without_a_reason_is_refused_with_what_to_do(app, login):
    co, receipt = posted(app, lambda co: receive(co.clock, ["CLK-1"], co.main).id)
    client = login("admin")
    response = void_form(client, receipt, "   ")
    assert "Say why the document is voided" in client.get(response.headers["Location"]).text


def test_amend_voids_and_opens_a_copy_to_post_in_its_place(app, login):
    co, receipt = posted(app, lambda co: receive(co.clock, ["CLK-1", "CLK-2"], co.main, unit_cost="99.50").id)
    client = login("clerk")
    response = void_form(client, receipt, "Mistyped serial", action="amend")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/item_receipts/new/?amend={receipt}")
    form = client.get(response.headers["Location"]).text
    assert "Correct the copy below" in form
    assert "CLK-1" in form and "CLK-2" in form and 'value="99.5000"' in form
    with app.app_context():
        assert db.session.get(Transaction, receipt).status == "voided"
        db.session.remove()


def test_a_support_user_cannot_void(app, login):
    co, receipt = posted(app, lambda co: receive(co.clock, ["CLK-1"], co.main).id)
    support = login("support")
    token = csrf_token_from(support.get("/admin/serial_inventory/").text)
    response = support.post("/admin/transactions/void/", data={"id": receipt, "reason": "x", "csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Transaction, receipt).status == "posted"
        db.session.remove()
