"""Voiding a posted document: every kind puts units, stock, value and cost layers back where it found them."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from sos_serial.engine.posting import void_transaction
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import CostLayer, Item, SerialHistory, SerialUnit, StockLevel, Transaction
from sos_serial.models.document_kind import KIND_CODES
from tests.support.world import history, line, post, receive, receive_plain, set_settings, ship, snapshot, unit


@pytest.fixture
def stocked(co):
    """Clocks in stock at Main Warehouse, one sold and one rented to Acme, one adjusted out; oil at Main."""
    receive(co.clock, [f"CLK-{n}" for n in range(1, 7)], co.main, unit_cost="100.00")
    receive(co.clock, ["SOLD-1", "RENT-1", "GONE-1"], co.main, unit_cost="120.00")
    receive_plain(co.oil, 10, co.main, unit_cost="4.00")
    ship(co.clock, ["SOLD-1"], co.main, co.acme)
    post(type="rental", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["RENT-1"])])
    post(type="adjustment", location_id=co.main, lines=[line(co.clock, -1, serials=["GONE-1"])])
    return co


def documents(co) -> dict:
    """One document of each kind, touching serial units and the plain item where the kind can."""
    main, acme = {"location_id": co.main}, {"location_id": co.main, "customer_id": co.acme}
    return {
        "item_receipt": dict(type="item_receipt", vendor_id=co.vendor, **main, lines=[
            line(co.clock, 3, serials=["NEW-1", "NEW-2", "GONE-1"], unit_cost="150.00"),
            line(co.oil, 5, unit_cost="5.00")]),
        "shipment": dict(type="shipment", **acme, lines=[
            line(co.clock, 2, serials=["CLK-1", "CLK-2"]), line(co.oil, 3)]),
        "transfer": dict(type="transfer", **main, to_location_id=co.showroom, lines=[
            line(co.clock, 1, serials=["CLK-3"]), line(co.oil, 2)]),
        "adjustment": dict(type="adjustment", **main, lines=[
            line(co.clock, 1, serials=["ADJ-NEW"], unit_cost="90.00"), line(co.clock, -1, serials=["CLK-4"]),
            line(co.oil, -1)]),
        "return": dict(type="return", **acme, lines=[
            line(co.clock, 1, serials=["SOLD-1"], unit_cost="80.00"), line(co.oil, 1)]),
        "pick_ticket": dict(type="pick_ticket", **acme, lines=[line(co.clock, 1, serials=["CLK-5"])]),
        "rental": dict(type="rental", **acme, lines=[line(co.clock, 1, serials=["CLK-5"]), line(co.oil, 1)]),
        "rental_return": dict(type="rental_return", **acme, lines=[line(co.clock, 1, serials=["RENT-1"])]),
        "build": dict(type="build", **main, lines=[
            line(co.clock, 1, role="input", serials=["CLK-6"]), line(co.oil, 2, role="input"),
            line(co.grandfather, 1, role="output", serials=["GF-1"])]),
        "process": dict(type="process", **main, lines=[
            line(co.clock, 2, role="input", serials=["CLK-1", "CLK-2"]),
            line(co.clock, 1, role="output", serials=["GONE-1"], unit_cost="10.00")]),
    }


def stock_state() -> dict:
    """What a void must restore: each unit's place, cost and warranty, the items' figures, the stock at each
    location and the cost layers still holding stock."""
    db.session.expire_all()
    units = {row.serial_number: (row.status, row.location_id, row.customer_id, row.unit_cost, row.warranty_id,
                                 row.warranty_start, row.warranty_end)
             for row in db.session.scalars(select(SerialUnit))}
    return {
        "units": units,
        "items": {i.name: (i.quantity_on_hand, i.value) for i in db.session.scalars(select(Item))},
        "stock": {(s.item_id, s.location_id): s.quantity for s in db.session.scalars(select(StockLevel))
                  if s.quantity},
        "layers": {layer.id: (layer.quantity_remaining, layer.unit_cost)
                   for layer in db.session.scalars(select(CostLayer)) if layer.quantity_remaining},
    }


def without_new_units(after: dict, before: dict) -> dict:
    """The state with the units a voided document created left out, after checking they left stock."""
    new = set(after["units"]) - set(before["units"])
    for serial in new:
        assert after["units"][serial][:3] == ("adjusted_out", None, None), serial
    return {**after, "units": {s: v for s, v in after["units"].items() if s not in new}}


@pytest.mark.parametrize("kind", KIND_CODES)
@pytest.mark.parametrize("valuation", ["fifo", "average", "specific_id"])
def test_voiding_each_kind_puts_everything_back(stocked, kind, valuation):
    co = stocked
    if valuation == "specific_id":
        set_settings(value_serials_by_specific_id=True)
    else:
        set_settings(value_serials_by_specific_id=False, valuation_method=valuation)
    before = stock_state()
    document = post(user=co.user, **documents(co)[kind])
    if kind != "pick_ticket":
        assert stock_state() != before
    voided = void_transaction(db.session, document.id, "Entered by mistake", co.user)
    assert (voided.status, voided.void_reason, voided.voided_by_id) == ("voided", "Entered by mistake", co.user.id)
    assert voided.voided_at is not None
    assert without_new_units(stock_state(), before) == before


def test_each_unit_gains_a_void_row_saying_where_it_went_back(stocked):
    co = stocked
    document = ship(co.clock, ["CLK-1"], co.main, co.acme)
    void_transaction(db.session, document.id, "Wrong customer", co.user)
    clock = unit(co.clock, "CLK-1")
    assert history(clock.id)[-2:] == [("shipment", "shipped", None, co.acme), ("void", "in_stock", co.main, None)]
    row = db.session.scalars(select(SerialHistory).where(SerialHistory.serial_unit_id == clock.id)
                             .order_by(SerialHistory.id.desc())).first()
    assert (row.transaction_id, row.user_id, row.void_reason) == (document.id, co.user.id, "Wrong customer")
    assert row.date == document.date
    assert (clock.warranty_start, clock.warranty_end) == (None, None)


def test_a_voided_receipt_frees_its_serials_to_be_received_again(stocked):
    co = stocked
    document = receive(co.clock, ["TYPO-1"], co.main, unit_cost="150.00")
    void_transaction(db.session, document.id, "Mistyped serial", co.user)
    assert unit(co.clock, "TYPO-1").status == "adjusted_out"
    receive(co.clock, ["TYPO-1"], co.showroom, unit_cost="150.00")
    again = unit(co.clock, "TYPO-1")
    assert (again.status, again.location_id) == ("in_stock", co.showroom)
    assert [row[0] for row in history(again.id)] == ["item_receipt", "void", "item_receipt"]


def test_a_document_whose_unit_moved_since_is_refused_naming_the_unit_and_the_later_document(stocked):
    co = stocked
    receipt = receive(co.clock, ["LATE-1", "LATE-2"], co.main, unit_cost="150.00")
    shipment = ship(co.clock, ["LATE-2"], co.main, co.acme, date="2026-01-06")
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        void_transaction(db.session, receipt.id, "Mistyped", co.user)
    assert f"LATE-2 of Armenian Mantel Clock: {shipment.number} of 2026-01-06" in refused.value.message
    assert "LATE-1" not in refused.value.message
    assert snapshot() == before
    # Voiding the later document first lets the earlier one go.
    void_transaction(db.session, shipment.id, "Not sent", co.user)
    void_transaction(db.session, receipt.id, "Mistyped", co.user)
    assert unit(co.clock, "LATE-2").status == "adjusted_out"


def test_a_document_is_voided_once(stocked):
    co = stocked
    document = ship(co.clock, ["CLK-1"], co.main, co.acme)
    void_transaction(db.session, document.id, "Wrong customer", co.user)
    before = snapshot()
    with pytest.raises(Conflict, match="already voided"):
        void_transaction(db.session, document.id, "Again", co.user)
    assert snapshot() == before


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 2001, 5])
def test_a_void_needs_a_reason_of_memo_length(stocked, reason):
    co = stocked
    document = ship(co.clock, ["CLK-1"], co.main, co.acme)
    with pytest.raises(InvalidInput) as refused:
        void_transaction(db.session, document.id, reason, co.user)
    assert refused.value.errors[0].field == "reason"
    assert db.session.get(Transaction, document.id).status == "posted"


def test_plain_stock_taken_since_refuses_the_void_of_its_receipt(stocked):
    co = stocked
    receipt = receive_plain(co.oil, 5, co.showroom, unit_cost="4.00")
    post(type="shipment", location_id=co.showroom, customer_id=co.acme, lines=[line(co.oil, 2)])
    with pytest.raises(Conflict, match="only 3 are there now"):
        void_transaction(db.session, receipt.id, "Wrong place", co.user)


def test_a_shipment_void_restores_the_cost_layers_it_consumed(stocked):
    co = stocked
    set_settings(value_serials_by_specific_id=False, valuation_method="fifo")
    receive(co.clock, ["DEAR-1"], co.main, unit_cost="300.00")
    layers, value = stock_state()["layers"], db.session.get(Item, co.clock).value
    # FIFO: the three cheapest left, 100.00 each, from the oldest layer.
    document = ship(co.clock, ["CLK-1", "CLK-2", "DEAR-1"], co.main, co.acme)
    assert db.session.get(Item, co.clock).value == value - Decimal("300.00")
    assert stock_state()["layers"] != layers
    void_transaction(db.session, document.id, "Not sent", co.user)
    assert stock_state()["layers"] == layers
    assert db.session.get(Item, co.clock).value == value


def test_a_void_gives_a_unit_received_again_the_lot_and_dates_its_earlier_barcode_gave(co):
    from datetime import date

    from tests.support.world import item

    item(co.clock).gtin = "09506000134352"
    db.session.commit()
    gs = "\x1d"
    receive(co.clock, ["]d20109506000134352" + "21R-1" + gs + "10LOTA" + gs + "17271231"], co.main)
    post(type="adjustment", location_id=co.main, lines=[line(co.clock, -1, serials=["R-1"])])
    again = receive(co.clock, ["(01)09506000134352(21)R-1(10)LOTB(11)260101"], co.main)
    received = unit(co.clock, "R-1")
    assert (received.lot, received.expiry_date, received.production_date) == ("LOTB", None, date(2026, 1, 1))
    void_transaction(db.session, again.id, "Scanned the wrong carton", co.user)
    db.session.expire_all()
    back = unit(co.clock, "R-1")
    assert back.status == "adjusted_out"
    assert (back.lot, back.expiry_date, back.production_date) == ("LOTA", date(2027, 12, 31), None)
