"""Dates: YYYY-MM-DD only, no document before the last movement of a unit it moves, and a window for documents."""
from datetime import date, timedelta

import pytest

from sos_serial.api.schemas.transactions import read_document
from sos_serial.dates import iso_date
from sos_serial.engine.limits import Limits
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.hooks.document_date_window import date_window
from tests.support.world import line, post, receive, ship, snapshot, unit

# The tests' shared app opens the window wide (tests/conftest.py); the window's tests run in apps with the defaults.
DEFAULT_WINDOW = pytest.mark.own_app(SOS_SERIAL_DOCUMENT_YEARS_BACK=10, SOS_SERIAL_DOCUMENT_DAYS_AHEAD=366)


@pytest.mark.parametrize("text", ["2026-W01-1", "20260105", "2026-001", "2026-1-5", "2026-01-5", " 2026-01-05",
                                  "2026-01-05T00:00", "2026-02-30", "２０２６-01-05", "2026\u201301-05", ""])
def test_only_yyyy_mm_dd_is_a_date(text):
    assert iso_date(text) is None


def test_a_yyyy_mm_dd_date_is_read():
    assert iso_date("2026-01-05") == date(2026, 1, 5)
    assert iso_date(20260105) is None


@pytest.mark.parametrize("text", ["2026-W01-1", "20260105", "2026-001"])
def test_a_document_with_another_iso_date_form_is_refused_naming_the_field(text):
    with pytest.raises(InvalidInput) as refused:
        read_document({"type": "item_receipt", "date": text, "location_id": 1, "vendor_id": 1,
                       "lines": [{"item_id": 1, "quantity": 1}]})
    assert [e.field for e in refused.value.errors] == ["date"]
    assert "YYYY-MM-DD" in refused.value.errors[0].message


# ------------------------------------------------------------------ no document before a unit's last movement
def _moved_on_the_fifth(co):
    """CLK-1 received on 2026-01-02 and transferred to the Showroom on 2026-01-05."""
    receive(co.clock, ["CLK-1", "CLK-2"], co.main, date="2026-01-02")
    return post(type="transfer", date="2026-01-05", location_id=co.main, to_location_id=co.showroom,
                lines=[line(co.clock, 1, serials=["CLK-1"])])


def _shipped_on_the_fifth(co):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main, date="2026-01-02")
    return ship(co.clock, ["CLK-1"], co.main, co.acme, date="2026-01-05")


def _rented_on_the_fifth(co):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main, date="2026-01-02")
    return post(type="rental", date="2026-01-05", location_id=co.main, customer_id=co.baker,
                lines=[line(co.clock, 1, serials=["CLK-1"])])


def _adjusted_out_on_the_fifth(co):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main, date="2026-01-02")
    return post(type="adjustment", date="2026-01-05", location_id=co.main,
                lines=[line(co.clock, -1, serials=["CLK-1"])])


BACKDATED = {
    "shipment": (_moved_on_the_fifth, lambda co: {"type": "shipment", "location_id": co.showroom,
                                                  "customer_id": co.acme}),
    "transfer": (_moved_on_the_fifth, lambda co: {"type": "transfer", "location_id": co.showroom,
                                                      "to_location_id": co.main}),
    "adjustment": (_moved_on_the_fifth, lambda co: {"type": "adjustment", "location_id": co.showroom}),
    "rental": (_moved_on_the_fifth, lambda co: {"type": "rental", "location_id": co.showroom,
                                                "customer_id": co.baker}),
    "build": (_moved_on_the_fifth, lambda co: {"type": "build", "location_id": co.showroom}),
    "return": (_shipped_on_the_fifth, lambda co: {"type": "return", "location_id": co.main, "customer_id": co.acme}),
    "rental_return": (_rented_on_the_fifth, lambda co: {"type": "rental_return", "location_id": co.main,
                                                            "customer_id": co.baker}),
    "item_receipt": (_adjusted_out_on_the_fifth, lambda co: {"type": "item_receipt", "location_id": co.main,
                                                                 "vendor_id": co.vendor}),
}
QUANTITY = {"adjustment": -1}
ROLE = {"build": {"role": "input"}}


@pytest.mark.parametrize("kind", list(BACKDATED))
def test_a_document_dated_before_a_units_last_movement_is_refused_naming_it(co, kind):
    before_it, header = BACKDATED[kind]
    last = before_it(co)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(date="2026-01-04", **header(co),
             lines=[line(co.clock, QUANTITY.get(kind, 1), serials=["clk-1"], **ROLE.get(kind, {}))])
    message = refused.value.message
    assert "is dated 2026-01-04, before the last movement of a unit it moves" in message
    assert f"CLK-1 of Armenian Mantel Clock: {last.kind.label.lower()} {last.number} of 2026-01-05" in message
    assert [e.field for e in refused.value.errors] == ["date"]
    assert snapshot() == before


@pytest.mark.parametrize("kind", list(BACKDATED))
def test_a_document_dated_on_the_day_of_the_last_movement_posts(co, kind):
    before_it, header = BACKDATED[kind]
    before_it(co)
    post(date="2026-01-05", **header(co),
         lines=[line(co.clock, QUANTITY.get(kind, 1), serials=["CLK-1"], **ROLE.get(kind, {}))])


def test_a_backdated_document_of_units_that_have_not_moved_since_posts(co):
    _moved_on_the_fifth(co)
    ship(co.clock, ["CLK-2"], co.main, co.acme, date="2026-01-03")
    assert unit(co.clock, "CLK-2").status == "shipped"


def test_every_late_unit_is_named_at_once(co):
    receive(co.clock, ["CLK-1", "CLK-2", "CLK-3"], co.main, date="2026-01-02")
    moved = post(type="transfer", date="2026-01-06", location_id=co.main, to_location_id=co.showroom,
                 lines=[line(co.clock, 2, serials=["CLK-1", "CLK-3"])])
    with pytest.raises(Conflict) as refused:
        post(type="transfer", date="2026-01-04", location_id=co.showroom, to_location_id=co.main,
             lines=[line(co.clock, 2, serials=["CLK-1", "CLK-3"])])
    assert f"CLK-1 of Armenian Mantel Clock: transfer {moved.number} of 2026-01-06; " \
           f"CLK-3 of Armenian Mantel Clock: transfer {moved.number} of 2026-01-06" in refused.value.message


def test_a_unit_is_found_late_whether_few_or_many_units_moved_since(co):
    # More movements after the date than units named: the units are looked up by serial, not by date.
    receive(co.clock, ["CLK-1", "CLK-2", "CLK-3"], co.main, date="2026-01-02")
    moved = post(type="transfer", date="2026-01-06", location_id=co.main, to_location_id=co.showroom,
                 lines=[line(co.clock, 3, serials=["CLK-1", "CLK-2", "CLK-3"])])
    with pytest.raises(Conflict, match=f"CLK-2 of Armenian Mantel Clock: transfer {moved.number} of 2026-01-06"):
        ship(co.clock, ["CLK-2"], co.showroom, co.acme, date="2026-01-04")
    receive(co.grandfather, ["GF-1"], co.main, date="2026-01-02")
    ship(co.grandfather, ["GF-1"], co.main, co.acme, date="2026-01-04")


@DEFAULT_WINDOW
def test_a_shipment_dated_0001_01_01_of_a_unit_received_in_2026_is_refused(co):
    receive(co.clock, ["CLK-1"], co.main)
    with pytest.raises(InvalidInput):  # outside the window, before its history is even read
        ship(co.clock, ["CLK-1"], co.main, co.acme, date="0001-01-01")
    assert unit(co.clock, "CLK-1").status == "in_stock"


# ------------------------------------------------------------------ the window of dates a document may carry


def test_the_default_window_is_ten_years_back_and_366_days_ahead(stock_free_app_factory, database_url):
    from sos_serial.engine.limits import LIMITS_KEY

    assert Limits.from_config({}) == Limits(document_years_back=10, document_days_ahead=366)
    app = stock_free_app_factory({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    assert (app.extensions[LIMITS_KEY].document_years_back, app.extensions[LIMITS_KEY].document_days_ahead) \
        == (10, 366)


def test_the_window_reaches_ten_years_back_and_366_days_ahead_by_default():
    assert date_window(Limits(), today=date(2026, 12, 1)) == (date(2016, 12, 1), date(2027, 12, 2))
    assert date_window(Limits(), today=date(2028, 2, 29)) == (date(2018, 2, 28), date(2029, 3, 1))
    assert date_window(Limits(document_years_back=5000, document_days_ahead=10**7), today=date(2026, 12, 1)) \
        == (date.min, date.max)


@pytest.mark.parametrize("offset", [-(366 * 10 + 3), 367])
@DEFAULT_WINDOW
def test_a_document_outside_the_window_is_refused_naming_it(co, offset):
    today = date.today()
    earliest, latest = date_window(Limits(), today)
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        receive(co.clock, ["CLK-1"], co.main, date=(today + timedelta(days=offset)).isoformat())
    assert f"documents may be dated from {earliest.isoformat()} to {latest.isoformat()} " \
           "(10 years back to 366 days ahead)" in refused.value.message
    assert [e.field for e in refused.value.errors] == ["date"]
    assert snapshot() == before


@DEFAULT_WINDOW
def test_the_edges_of_the_window_are_inside_it(co):
    earliest, latest = date_window(Limits(), date.today())
    receive(co.clock, ["CLK-1"], co.main, date=earliest.isoformat())
    receive(co.clock, ["CLK-2"], co.main, date=latest.isoformat())


@pytest.mark.own_app(SOS_SERIAL_DOCUMENT_YEARS_BACK=1, SOS_SERIAL_DOCUMENT_DAYS_AHEAD=0)
def test_the_window_is_the_apps_setting(co):
    today = date.today()
    with pytest.raises(InvalidInput, match=r"\(1 years back to 0 days ahead\)"):
        receive(co.clock, ["CLK-1"], co.main, date=(today + timedelta(days=1)).isoformat())
    with pytest.raises(InvalidInput, match="documents may be dated from"):
        receive(co.clock, ["CLK-1"], co.main, date=(today - timedelta(days=400)).isoformat())
    receive(co.clock, ["CLK-1"], co.main, date=today.isoformat())
