"""Serial history: one row per unit per posting, in order; units created directly start with "created"."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import SerialHistory, SerialUnit
from tests.support.world import count, create_serial_unit, figures, history, line, post, receive, ship, snapshot, unit


def history_rows(unit_id):
    return list(db.session.scalars(
        select(SerialHistory).where(SerialHistory.serial_unit_id == unit_id).order_by(SerialHistory.id)))


def test_each_posting_appends_one_row_with_the_state_after_it(co):
    documents = [
        receive(co.clock, ["CLK-1", "CLK-2"], co.main, date="2026-01-02"),
        post(type="transfer", date="2026-01-03", location_id=co.main, to_location_id=co.showroom,
             lines=[line(co.clock, 1, serials=["CLK-1"])]),
        post(type="pick_ticket", date="2026-01-04", location_id=co.showroom,
             lines=[line(co.clock, 1, serials=["CLK-1"])]),
        ship(co.clock, ["CLK-1"], co.showroom, co.acme, date="2026-01-05"),
        post(type="return", date="2026-01-06", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials=["CLK-1"])]),
        post(type="rental", date="2026-01-07", location_id=co.main, customer_id=co.baker,
             lines=[line(co.clock, 1, serials=["CLK-1"])]),
        post(type="rental_return", date="2026-01-08", location_id=co.showroom, customer_id=co.baker,
             lines=[line(co.clock, 1, serials=["CLK-1"])]),
        post(type="adjustment", date="2026-01-09", location_id=co.showroom,
             lines=[line(co.clock, -1, serials=["CLK-1"])]),
        receive(co.clock, ["clk-1"], co.main, date="2026-01-10"),
        post(type="build", date="2026-01-11", location_id=co.main, lines=[
            line(co.clock, 1, role="input", serials=["CLK-1"]), line(co.oil, 1, role="output")]),
    ]
    clk1 = unit(co.clock, "CLK-1").id
    assert history(clk1) == [
        ("item_receipt", "in_stock", co.main, None),
        ("transfer", "in_stock", co.showroom, None),
        ("shipment", "shipped", None, co.acme),
        ("return", "in_stock", co.main, None),
        ("rental", "rented", None, co.baker),
        ("rental_return", "in_stock", co.showroom, None),
        ("adjustment", "adjusted_out", None, None),
        ("item_receipt", "in_stock", co.main, None),
        ("build", "used", None, None),
    ]
    rows = history_rows(clk1)
    posted = [d for d in documents if d.type != "pick_ticket"]
    assert [r.transaction_id for r in rows] == [d.id for d in posted]
    assert [r.date for r in rows] == [d.date for d in posted]
    # The unit's current state is its last row's.
    current = unit(co.clock, "CLK-1")
    assert (current.status, current.location_id, current.customer_id) == \
        (rows[-1].status, rows[-1].location_id, rows[-1].customer_id)
    assert history(unit(co.clock, "CLK-2").id) == [("item_receipt", "in_stock", co.main, None)]


def test_history_records_who_posted(co):
    post(user=co.user, type="item_receipt", location_id=co.main, lines=[line(co.clock, 1, serials=["CLK-1"])])
    assert history_rows(unit(co.clock, "CLK-1").id)[0].user_id == co.user.id


def test_one_row_per_unit_for_a_document_of_many_lines(session, co):
    receive(co.clock, ["A", "B", "C"], co.main)
    before = count(SerialHistory)
    ship_doc = post(type="shipment", location_id=co.main, customer_id=co.acme, lines=[
        line(co.clock, 2, serials=["A", "B"]), line(co.clock, 1, serials=["C"])])
    assert count(SerialHistory) == before + 3
    assert {r.transaction_id for r in db.session.scalars(
        select(SerialHistory).where(SerialHistory.id > before))} == {ship_doc.id}


# ---------------------------------------------------------------------------- units created directly
def test_a_unit_created_at_a_location_is_in_stock_and_counted(session, co):
    created = create_serial_unit(db.session, item_id=co.clock, serial_number="  OLD-1 ", location_id=co.main,
                                 unit_cost=Decimal("80"), user=co.user, on=date(2026, 2, 1))
    found = unit(co.clock, "old-1")
    assert found.id == created.id
    assert (found.serial_number, found.status, found.location_id, found.customer_id) == \
        ("OLD-1", "in_stock", co.main, None)
    assert (found.unit_cost, found.warranty_id) == (80, co.one_year)
    assert figures(co.clock) == (1, 80)
    rows = history_rows(found.id)
    assert [(r.transaction_type, r.transaction_id, r.status, r.location_id, r.customer_id, r.date, r.user_id)
            for r in rows] == [("created", None, "in_stock", co.main, None, date(2026, 2, 1), co.user.id)]
    ship(co.clock, ["OLD-1"], co.main, co.acme)
    assert figures(co.clock) == (0, 0)
    assert [r[0] for r in history(found.id)] == ["created", "shipment"]


def test_a_historical_unit_at_a_customer_is_shipped_and_not_on_hand(session, co):
    created = create_serial_unit(db.session, item_id=co.clock, serial_number="SOLD-1", customer_id=co.acme,
                                 warranty_start=date(2025, 6, 1), warranty_end=date(2026, 6, 1))
    found = unit(co.clock, "SOLD-1")
    assert (found.status, found.location_id, found.customer_id) == ("shipped", None, co.acme)
    assert (found.warranty_start, found.warranty_end) == (date(2025, 6, 1), date(2026, 6, 1))
    assert found.unit_cost == Decimal("149.99")  # the item's cost when none is given
    assert figures(co.clock) == (0, 0)
    assert history(created.id) == [("created", "shipped", None, co.acme)]
    assert history_rows(created.id)[0].date == date.today()
    # The customer can send it back like any shipped unit.
    post(type="return", location_id=co.showroom, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["SOLD-1"])])
    assert history(created.id)[-1] == ("return", "in_stock", co.showroom, None)
    assert figures(co.clock) == (1, Decimal("149.99"))


@pytest.mark.parametrize("places", [{}, {"location_id": 1, "customer_id": 1}])
def test_a_created_unit_needs_exactly_one_of_location_and_customer(session, co, places):
    with pytest.raises(InvalidInput, match="exactly one of them"):
        create_serial_unit(db.session, item_id=co.clock, serial_number="X-1", **places)
    assert count(SerialUnit) == 0


@pytest.mark.parametrize("fields, error, words", [
    ({"item_id": 999}, InvalidInput, "no item with id 999"),
    ({"location_id": 999}, InvalidInput, "no location with id 999"),
    ({"location_id": None, "customer_id": 999}, InvalidInput, "no customer with id 999"),
    ({"item_id": "oil"}, Conflict, "Clock Oil 10 ml is not tracked by serial number"),
    ({"serial_number": "X\t1"}, InvalidInput, "a tab"),
    ({"serial_number": " "}, InvalidInput, "an empty serial number"),
    ({"serial_number": "X" * 65}, InvalidInput, "65 characters long"),
    ({"warranty_start": date(2026, 2, 1), "warranty_end": date(2026, 1, 1)}, InvalidInput, "end before it starts"),
    ({"unit_cost": Decimal("-1")}, InvalidInput, "cannot be negative"),
    ({"unit_cost": "lots"}, InvalidInput, "unit_cost"),
])
def test_a_created_unit_is_checked_like_a_received_one(session, co, fields, error, words):
    fields = {"item_id": co.clock, "serial_number": "X-1", "location_id": co.main, **fields}
    if fields["item_id"] == "oil":
        fields["item_id"] = co.oil
    before = snapshot()
    with pytest.raises(error, match=words):
        create_serial_unit(db.session, **fields)
    assert snapshot() == before


def test_a_created_unit_cannot_repeat_a_serial_of_the_item(session, co):
    receive(co.clock, ["CLK-1"], co.showroom)
    before = snapshot()
    with pytest.raises(Conflict, match="CLK-1 of Armenian Mantel Clock already exists: it is in stock at Showroom"):
        create_serial_unit(db.session, item_id=co.clock, serial_number="clk-1", customer_id=co.acme)
    assert snapshot() == before
    create_serial_unit(db.session, item_id=co.grandfather, serial_number="clk-1", location_id=co.main)
    assert unit(co.grandfather, "CLK-1").serial_number == "clk-1"
