"""Warranties end to end: coverage starts on shipment, survives a repair return, restarts on a new sale;
support looks units up and corrects dates; the expiring report."""
from datetime import date, timedelta

import pytest

from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.serial_unit_edits import edit_serial_unit
from sos_serial.engine.warranty_status import coverage
from sos_serial.extensions import db
from sos_serial.models import Item
from tests.support.world import DATE, post, receive, ship, unit


def ret(item_id, serials, customer_id, location_id, date=DATE):
    return post(type="return", date=date, customer_id=customer_id, location_id=location_id,
                lines=[{"item_id": item_id, "quantity": len(serials), "serials": list(serials)}])


def dates(item_id, serial):
    found = unit(item_id, serial)
    return found.warranty_start, found.warranty_end


def test_shipment_starts_coverage_on_its_date(company):
    receive(company.clock, ["CLK-1"], company.main)
    assert dates(company.clock, "CLK-1") == (None, None)
    ship(company.clock, ["CLK-1"], company.main, company.acme, date="2028-01-31")
    assert dates(company.clock, "CLK-1") == (date(2028, 1, 31), date(2029, 1, 31))
    receive(company.grandfather, ["GF-1"], company.main)
    ship(company.grandfather, ["GF-1"], company.main, company.acme, date="2028-01-31")
    assert dates(company.grandfather, "GF-1") == (date(2028, 1, 31), date(2028, 2, 29))


def test_a_return_keeps_the_coverage_and_reshipping_to_the_same_customer_keeps_it(company):
    receive(company.clock, ["CLK-1"], company.main)
    ship(company.clock, ["CLK-1"], company.main, company.acme, date="2026-02-01")
    ret(company.clock, ["CLK-1"], company.acme, company.showroom, date="2026-05-01")
    assert dates(company.clock, "CLK-1") == (date(2026, 2, 1), date(2027, 2, 1))
    ship(company.clock, ["CLK-1"], company.showroom, company.acme, date="2026-05-20")
    assert dates(company.clock, "CLK-1") == (date(2026, 2, 1), date(2027, 2, 1))


def test_a_unit_sold_anew_to_another_customer_gets_new_coverage(company):
    receive(company.clock, ["CLK-1", "CLK-2"], company.main)
    ship(company.clock, ["CLK-1", "CLK-2"], company.main, company.acme, date="2026-02-01")
    ret(company.clock, ["CLK-1", "CLK-2"], company.acme, company.main, date="2026-03-01")
    # CLK-1 goes back to Acme after its repair; CLK-2 is sold to Baker.
    ship(company.clock, ["CLK-1"], company.main, company.acme, date="2026-04-01")
    ship(company.clock, ["CLK-2"], company.main, company.baker, date="2026-04-01")
    assert dates(company.clock, "CLK-1") == (date(2026, 2, 1), date(2027, 2, 1))
    assert dates(company.clock, "CLK-2") == (date(2026, 4, 1), date(2027, 4, 1))


def test_changing_an_items_warranty_affects_only_later_shipments(company, session):
    receive(company.clock, ["CLK-1", "CLK-2"], company.main)
    ship(company.clock, ["CLK-1"], company.main, company.acme, date="2026-02-01")
    session.get(Item, company.clock).warranty_id = company.one_month
    session.commit()
    ship(company.clock, ["CLK-2"], company.main, company.acme, date="2026-02-01")
    first, second = unit(company.clock, "CLK-1"), unit(company.clock, "CLK-2")
    assert (first.warranty.name, first.warranty_end) == ("1 year parts and labor", date(2027, 2, 1))
    assert (second.warranty.name, second.warranty_end) == ("1 month", date(2026, 3, 1))


def test_historical_unit_at_a_customer_takes_warranty_dates_directly(company, session):
    created = create_serial_unit(session, item_id=company.clock, serial_number="OLD-1", customer_id=company.acme,
                                 warranty_start=date(2024, 6, 1), warranty_end=date(2025, 6, 1))
    assert (created.status, created.warranty_start, created.warranty_end) == \
        ("shipped", date(2024, 6, 1), date(2025, 6, 1))


def test_support_correction_is_recorded_with_who_and_old_and_new(company, session):
    receive(company.clock, ["CLK-1"], company.main)
    ship(company.clock, ["CLK-1"], company.main, company.acme, date="2026-02-01")
    target = unit(company.clock, "CLK-1")
    edit_serial_unit(session, target.id, {"warranty_end": date(2027, 3, 1)}, user=company.user,
                     expected_version=target.version)
    from sos_serial.models import SerialHistory

    row = session.query(SerialHistory).filter_by(serial_unit_id=target.id, transaction_type="edit").one()
    assert row.user_id == company.user.id
    assert row.changes == {"warranty_end": ["2027-02-01", "2027-03-01"]}


def test_a_stale_correction_is_refused(company, session):
    from sos_serial.errors import Conflict

    receive(company.clock, ["CLK-1"], company.main)
    target = unit(company.clock, "CLK-1")
    seen = target.version
    edit_serial_unit(session, target.id, {"notes": "first"}, expected_version=seen)
    with pytest.raises(Conflict, match="changed by someone else"):
        edit_serial_unit(session, target.id, {"notes": "second"}, expected_version=seen)
    assert unit(company.clock, "CLK-1").notes == "first"


@pytest.mark.parametrize("start, end, state, words", [
    (None, None, "none", "No warranty"),
    (-10, 20, "active", "20 days left"),
    (-10, 1, "active", "1 day left"),
    (-10, 0, "active", "Ends today"),
    (-400, -5, "expired", "Expired 5 days ago"),
    (3, 30, "pending", "Starts on"),
])
def test_coverage_in_words(start, end, state, words):
    today = date(2026, 6, 15)

    class Unit:
        warranty_id = None
        warranty_start = today + timedelta(days=start) if start is not None else None
        warranty_end = today + timedelta(days=end) if end is not None else None

    got_state, got_words = coverage(Unit, today)
    assert got_state == state and got_words.startswith(words)


@pytest.fixture
def shipped_today(app, login):
    """Units shipped today and a year ago, for the lookup and the expiring report."""
    from tests.support.world import make_company

    with app.app_context():
        found = make_company(db.session)
        today = date.today()
        # Received before the oldest shipment: a unit's history stays in date order.
        received = (today - timedelta(days=500)).isoformat()
        receive(found.clock, ["CLK-NEW", "=CMD()"], found.main, date=received)
        ship(found.clock, ["CLK-NEW"], found.main, found.acme, date=today.isoformat())
        receive(found.grandfather, ["GF-OLD", "GF-SOON"], found.main, date=received)
        ship(found.grandfather, ["GF-OLD"], found.main, found.baker, date=(today - timedelta(days=400)).isoformat())
        ship(found.grandfather, ["GF-SOON"], found.main, found.baker,
             date=(today - timedelta(days=20)).isoformat())
        ship(found.clock, ["=CMD()"], found.main, found.baker, date=(today - timedelta(days=350)).isoformat())
    return found


def test_support_looks_up_a_serial_and_sees_coverage_and_history(login, shipped_today):
    client = login("support")
    html = client.get("/admin/warranty_lookup/?serial=clk-new").text
    assert "Acme Clocks" in html and "1 year parts and labor" in html
    assert "365 days left" in html or "366 days left" in html
    assert "Shipment" in html and "Correct warranty dates or notes" in html
    expired = client.get("/admin/warranty_lookup/?serial=GF-OLD").text
    assert "Expired" in expired and "Baker &amp; Sons Jewelers" in expired
    assert "No serial unit matches nothing-here" in client.get("/admin/warranty_lookup/?serial=nothing-here").text


def test_expiring_report_lists_units_ending_within_the_window_by_customer(login, shipped_today):
    client = login("support")
    html = client.get("/admin/warranties_expiring/").text
    assert "GF-SOON" in html and "=CMD()" in html
    assert "CLK-NEW" not in html and "GF-OLD" not in html
    wider = client.get("/admin/warranties_expiring/?days=400").text
    assert "CLK-NEW" in wider
    csv_text = client.get("/admin/warranties_expiring/?format=csv").text
    assert "GF-SOON" in csv_text and "'=CMD()" in csv_text and "\n=CMD()" not in csv_text


def test_a_warranty_ending_past_year_9999_is_refused_not_a_crash(company):
    from sos_serial.errors import InvalidInput

    receive(company.clock, ["CLK-1"], company.main)
    with pytest.raises(InvalidInput, match="would end after the year 9999"):
        ship(company.clock, ["CLK-1"], company.main, company.acme, date="9999-12-31")
    assert unit(company.clock, "CLK-1").status == "in_stock"


def test_warranty_durations_are_bounded_on_the_screen(login):
    from tests.support.web import csrf_token_from

    client = login("admin")
    page = client.get("/admin/warranties/new/")
    response = client.post("/admin/warranties/new/", follow_redirects=True, data={
        "name": "Forever", "duration": "100000", "unit": "years", "csrf_token": csrf_token_from(page.text)})
    assert "A warranty can last at most 100 years" in response.text
