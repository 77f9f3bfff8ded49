"""Warranties: a shipment starts each unit's warranty; the end is start + the item's warranty period."""
from datetime import date
from decimal import Decimal

import pytest

from sos_serial.engine.warranty_dates import add_period
from sos_serial.models import Item
from tests.support.world import line, post, receive, ship, unit


@pytest.mark.parametrize("start, duration, unit_, end", [
    (date(2028, 2, 28), 1, "days", date(2028, 2, 29)),
    (date(2028, 2, 28), 2, "days", date(2028, 3, 1)),
    (date(2027, 12, 31), 90, "days", date(2028, 3, 30)),
    (date(2028, 1, 31), 1, "months", date(2028, 2, 29)),
    (date(2027, 1, 31), 1, "months", date(2027, 2, 28)),
    (date(2028, 3, 31), 1, "months", date(2028, 4, 30)),
    (date(2028, 1, 30), 1, "months", date(2028, 2, 29)),
    (date(2028, 1, 15), 1, "months", date(2028, 2, 15)),
    (date(2028, 12, 15), 1, "months", date(2029, 1, 15)),
    (date(2028, 11, 30), 3, "months", date(2029, 2, 28)),
    (date(2028, 1, 31), 13, "months", date(2029, 2, 28)),
    (date(2026, 5, 31), 24, "months", date(2028, 5, 31)),
    (date(2024, 2, 29), 1, "years", date(2025, 2, 28)),
    (date(2024, 2, 29), 4, "years", date(2028, 2, 29)),
    (date(2026, 1, 5), 1, "years", date(2027, 1, 5)),
])
def test_add_period(start, duration, unit_, end):
    assert add_period(start, duration, unit_) == end


def test_add_period_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="weeks"):
        add_period(date(2028, 1, 1), 2, "weeks")


def warranty_of(co, item_id, serial):
    found = unit(item_id, serial)
    return found.warranty_id, found.warranty_start, found.warranty_end


def test_a_receipt_carries_the_items_warranty_without_dates(co):
    receive(co.clock, ["CLK-1"], co.main)
    assert warranty_of(co, co.clock, "CLK-1") == (co.one_year, None, None)


def test_a_shipment_starts_the_warranty_on_the_documents_date(co):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main)
    ship(co.clock, ["CLK-1", "CLK-2"], co.main, co.acme, date="2028-02-29")
    assert warranty_of(co, co.clock, "CLK-1") == (co.one_year, date(2028, 2, 29), date(2029, 2, 28))
    assert warranty_of(co, co.clock, "CLK-2") == (co.one_year, date(2028, 2, 29), date(2029, 2, 28))


def test_a_one_month_warranty_shipped_on_january_31_of_a_leap_year_ends_february_29(co):
    receive(co.grandfather, ["GF-1"], co.main)
    ship(co.grandfather, ["GF-1"], co.main, co.acme, date="2028-01-31")
    assert warranty_of(co, co.grandfather, "GF-1") == (co.one_month, date(2028, 1, 31), date(2028, 2, 29))


def test_only_a_shipment_starts_a_warranty(co):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main)
    post(type="rental", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["CLK-1"])])
    post(type="transfer", location_id=co.main, to_location_id=co.showroom,
         lines=[line(co.clock, 1, serials=["CLK-2"])])
    assert warranty_of(co, co.clock, "CLK-1") == (co.one_year, None, None)
    assert warranty_of(co, co.clock, "CLK-2") == (co.one_year, None, None)


def test_a_unit_shipped_again_starts_a_new_warranty(co):
    receive(co.clock, ["CLK-1"], co.main)
    ship(co.clock, ["CLK-1"], co.main, co.acme, date="2026-01-05")
    post(type="return", date="2026-03-01", location_id=co.main, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["CLK-1"])])
    assert warranty_of(co, co.clock, "CLK-1") == (co.one_year, date(2026, 1, 5), date(2027, 1, 5))
    ship(co.clock, ["CLK-1"], co.main, co.baker, date="2026-04-10")
    assert warranty_of(co, co.clock, "CLK-1") == (co.one_year, date(2026, 4, 10), date(2027, 4, 10))


def test_an_item_without_a_warranty_ships_without_dates(session, co):
    plain_clock = Item(name="Travel Clock", track_serials=True, cost=Decimal("20"))
    session.add(plain_clock)
    session.commit()
    receive(plain_clock.id, ["TC-1"], co.main)
    ship(plain_clock.id, ["TC-1"], co.main, co.acme)
    assert warranty_of(co, plain_clock.id, "TC-1") == (None, None, None)
