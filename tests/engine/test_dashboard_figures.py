"""The home page's figures, counted from postings: stock by location, this month's shipments, warranties ending."""
from datetime import date

from sos_serial.engine.dashboard_figures import dashboard_figures
from sos_serial.extensions import db
from tests.support.world import receive, ship

TODAY = date(2026, 1, 20)


def test_stock_by_location_counts_units_in_stock_largest_first(co):
    receive(co.clock, ["C1", "C2", "C3"], co.main, date="2025-12-01")
    receive(co.grandfather, ["G1", "G2"], co.showroom, date="2025-12-01")
    ship(co.clock, ["C1"], co.main, co.acme, date="2026-01-10")
    figures = dashboard_figures(db.session, TODAY)
    # Equal counts are listed by name.
    assert figures.in_stock_by_location == [("Main Warehouse", 2), ("Showroom", 2)]
    assert figures.in_stock == 4
    ship(co.grandfather, ["G1", "G2"], co.showroom, co.baker, date="2026-01-11")
    assert dashboard_figures(db.session, TODAY).in_stock_by_location == [("Main Warehouse", 2)]


def test_shipped_this_month_counts_units_shipped_since_the_first(co):
    receive(co.clock, ["C1", "C2", "C3", "C4"], co.main, date="2025-12-01")
    ship(co.clock, ["C1"], co.main, co.acme, date="2025-12-28")  # last month: not counted
    ship(co.clock, ["C2", "C3"], co.main, co.acme, date="2026-01-02")
    figures = dashboard_figures(db.session, TODAY)
    assert (figures.shipped_this_month, figures.month_start) == (2, date(2026, 1, 1))
    assert dashboard_figures(db.session, date(2025, 12, 31)).shipped_this_month == 1


def test_warranties_ending_within_30_days_and_the_next_one_after(co):
    receive(co.clock, ["C1"], co.main, date="2025-12-01")
    receive(co.grandfather, ["G1"], co.main, date="2025-12-01")
    ship(co.grandfather, ["G1"], co.main, co.acme, date="2026-01-10")  # one month: ends 2026-02-10
    ship(co.clock, ["C1"], co.main, co.acme, date="2026-01-10")  # one year: ends 2027-01-10
    figures = dashboard_figures(db.session, TODAY)
    assert figures.warranties_ending == 1
    assert figures.next_warranty_end == date(2026, 2, 10)
    later = dashboard_figures(db.session, date(2026, 3, 1))
    assert later.warranties_ending == 0 and later.next_warranty_end == date(2027, 1, 10)


def test_last_documents_newest_first(co):
    first = receive(co.clock, ["C1", "C2"], co.main, date="2025-12-01")
    second = ship(co.clock, ["C1"], co.main, co.acme, date="2026-01-10")
    numbers = [document.id for document in dashboard_figures(db.session, TODAY).last_documents]
    assert numbers == [second.id, first.id]
