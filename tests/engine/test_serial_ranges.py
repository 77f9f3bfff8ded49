"""Serial ranges: how a range reads and expands, and a posting whose lines give ranges (engine/serial_ranges.py)."""
import pytest
from flask import current_app

from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.serial_csv import read_serials_csv
from sos_serial.engine.serial_ranges import range_serials, read_range_notation, serial_range
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from tests.support.world import (
    figures,
    line,
    line_serials,
    lines_of,
    post,
    receive,
    request_of,
    snapshot,
    unit,
    units_of,
)


# ---------------------------------------------------------------------------------------- reading a range
def test_a_count_from_the_first_serial_keeps_the_width_of_its_number():
    assert serial_range("SN-0998", count=4).serials() == ["SN-0998", "SN-0999", "SN-1000", "SN-1001"]


def test_a_last_serial_gives_the_range_up_to_it_inclusive():
    found = serial_range("SN-0001", last="SN-0500")
    assert (found.count, found.first, found.last) == (500, "SN-0001", "SN-0500")
    assert found.serials()[:2] == ["SN-0001", "SN-0002"] and len(found.serials()) == 500


def test_a_range_of_one_is_its_first_serial():
    assert serial_range("SN-0007", last="SN-0007").serials() == ["SN-0007"]


def test_the_prefix_keeps_its_spelling_and_only_the_last_number_counts():
    assert serial_range("Lot 7/Box-09", count=2).serials() == ["Lot 7/Box-09", "Lot 7/Box-10"]
    assert serial_range("2026A0001", count=2).serials() == ["2026A0001", "2026A0002"]


def test_a_serial_that_is_all_digits_counts_as_a_number():
    assert serial_range("000123", count=3).serials() == ["000123", "000124", "000125"]


def test_a_number_with_leading_zeros_never_grows_past_its_width():
    with pytest.raises(InvalidInput) as refused:
        serial_range("SN-0998", count=9003)
    assert "run past the 4 digits" in refused.value.message
    assert "SN-9999 is the last serial of that width" in refused.value.message
    assert serial_range("SN-0998", count=9002).last == "SN-9999"


def test_a_number_without_leading_zeros_grows_like_a_number():
    assert serial_range("A9", count=3).serials() == ["A9", "A10", "A11"]
    assert serial_range("SN-1", last="SN-12").count == 12


def test_a_prefix_that_differs_only_in_letter_case_is_the_same_prefix():
    assert serial_range("sn-0001", last="SN-0003").serials() == ["sn-0001", "sn-0002", "sn-0003"]


@pytest.mark.parametrize(("first", "fields", "says"), [
    ("SN-0005", {"last": "SN-0001"}, "SN-0001 comes before SN-0005"),
    ("SN-10", {"last": "SN-9"}, "SN-9 comes before SN-10"),
    ("SN-0001", {"last": "SX-0002"}, "differ before the number they end in"),
    ("SN-A", {"count": 2}, "SN-A does not end in a number"),
    ("SN-0001", {"last": "SN-B"}, "SN-B does not end in a number"),
    ("SN-0001", {"last": "SN-00002"}, "different numbers of digits"),
    ("SN-1", {"last": "SN-05"}, "different numbers of digits"),
    ("SN-0001", {"count": 0}, "at least 1"),
    ("SN-0001", {"count": 2, "last": "SN-0002"}, "not both"),
    ("SN-0001", {}, "last serial or its count"),
    ("  ", {"count": 2}, "first serial"),
    ("S" * 65 + "1", {"count": 2}, "at most 64 characters"),
])
def test_a_range_that_does_not_read_is_refused_in_the_clerks_words(first, fields, says):
    with pytest.raises(InvalidInput) as refused:
        serial_range(first, **fields)
    assert says in refused.value.message


@pytest.mark.parametrize(("text", "serials"), [
    ("SN-0001 - SN-0003", ["SN-0001", "SN-0002", "SN-0003"]),
    ("  SN-0001   -   SN-0003 ", ["SN-0001", "SN-0002", "SN-0003"]),
    ("SN-0001 \u2013 SN-0003", ["SN-0001", "SN-0002", "SN-0003"]),
    ("SN-0001..SN-0003", ["SN-0001", "SN-0002", "SN-0003"]),
    ("SN-0001 .. SN-0003", ["SN-0001", "SN-0002", "SN-0003"]),
    ("SN-0001 +3", ["SN-0001", "SN-0002", "SN-0003"]),
    ("SN-0001 + 3", ["SN-0001", "SN-0002", "SN-0003"]),
])
def test_the_notations_a_clerk_types(text, serials):
    assert read_range_notation(text).serials() == serials


@pytest.mark.parametrize("text", ["SN-0001", "SN-0001-0003", "A+1", "SN 0001", "CLK-0001 oak", "1.5", ""])
def test_a_single_serial_is_no_range(text):
    assert read_range_notation(text) is None


def test_text_written_as_a_range_that_does_not_read_is_refused_not_taken_as_one_serial():
    with pytest.raises(InvalidInput) as refused:
        read_range_notation("SN-0500 - SN-0001")
    assert "SN-0001 comes before SN-0500" in refused.value.message


def test_a_huge_written_count_is_refused_before_it_is_read_as_a_number():
    with pytest.raises(InvalidInput) as refused:
        read_range_notation("SN-1 +" + "9" * 5000)
    assert "more than any document takes" in refused.value.message


def test_ranges_expand_in_order():
    assert range_serials([serial_range("B-1", count=2), serial_range("A-1", count=1)]) == ["B-1", "B-2", "A-1"]


# ---------------------------------------------------------------------------------------- posting ranges
def test_a_receipt_by_range_creates_each_unit_of_the_range(co):
    document = post(type="item_receipt", location_id=co.main,
                    lines=[line(co.clock, 500, serial_ranges=[{"first": "SN-0001", "count": 500}])])
    assert len(units_of(co.clock)) == 500 and figures(co.clock)[0] == 500
    assert unit(co.clock, "SN-0500").location_id == co.main
    assert line_serials(lines_of(document)[0].id)[:2] == ["SN-0001", "SN-0002"]


def test_ranges_and_listed_serials_count_together_against_the_quantity(co):
    post(type="item_receipt", location_id=co.main, lines=[line(
        co.clock, 5, serials=["ODD-1", "ODD-2"],
        serial_ranges=[{"first": "SN-0001", "last": "SN-0002"}, {"first": "SN-0010", "count": 1}])])
    assert sorted(u.serial_number for u in units_of(co.clock)) == ["ODD-1", "ODD-2", "SN-0001", "SN-0002",
                                                                 "SN-0010"]


@pytest.mark.parametrize(("quantity", "says"), [(4, "needs 1 more serial number (3 of 4 given)"),
                                                (2, "3 serial numbers given for a quantity of 2")])
def test_a_range_that_does_not_match_the_quantity_is_refused_like_listed_serials(co, quantity, says):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        post(type="item_receipt", location_id=co.main,
             lines=[line(co.clock, quantity, serial_ranges=[{"first": "SN-0001", "count": 3}])])
    assert says in refused.value.message
    assert snapshot() == before


def test_a_range_overlapping_a_listed_serial_is_a_repeat(co):
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main, lines=[line(
            co.clock, 4, serials=["SN-0002"], serial_ranges=[{"first": "SN-0001", "count": 3}])])
    assert "SN-0002 of Armenian Mantel Clock appears more than once" in refused.value.message


def test_a_range_reaching_a_unit_in_stock_is_refused_naming_it(co):
    receive(co.clock, ["SN-0003"], co.showroom)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main,
             lines=[line(co.clock, 5, serial_ranges=[{"first": "SN-0001", "count": 5}])])
    assert "SN-0003 of Armenian Mantel Clock already exists: it is in stock at Showroom" in refused.value.message
    assert snapshot() == before


def test_a_shipment_takes_the_units_of_a_range(co):
    post(type="item_receipt", location_id=co.main,
         lines=[line(co.clock, 10, serial_ranges=[{"first": "SN-0001", "count": 10}])])
    post(type="shipment", location_id=co.main, customer_id=co.acme,
         lines=[line(co.clock, 4, serial_ranges=[{"first": "SN-0003", "last": "SN-0006"}])])
    assert figures(co.clock)[0] == 6
    assert unit(co.clock, "SN-0004").customer_id == co.acme and unit(co.clock, "SN-0007").customer_id is None


def test_a_shipment_range_naming_units_not_here_lists_them(co):
    post(type="item_receipt", location_id=co.main,
         lines=[line(co.clock, 2, serial_ranges=[{"first": "SN-0001", "count": 2}])])
    with pytest.raises(Conflict) as refused:
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 3, serial_ranges=[{"first": "SN-0001", "count": 3}])])
    assert "SN-0003 of Armenian Mantel Clock is not in the inventory" in refused.value.message


def test_a_range_on_an_item_not_tracked_by_serial_is_refused(co):
    with pytest.raises(InvalidInput) as refused:
        post(type="item_receipt", location_id=co.main,
             lines=[line(co.oil, 2, serial_ranges=[{"first": "SN-1", "count": 2}])])
    assert "not tracked by serial number" in refused.value.message


def test_a_range_with_auto_numbering_is_refused_as_two_sources(co):
    with pytest.raises(InvalidInput) as refused:
        post(type="item_receipt", location_id=co.main,
             lines=[line(co.clock, 2, auto_serials=True, serial_ranges=[{"first": "SN-1", "count": 2}])])
    assert "not more than one" in refused.value.message


@pytest.mark.own_app(SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT=100)
def test_a_range_past_the_documents_serial_limit_is_refused_naming_its_line_before_it_is_listed(co):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        # A billion serials: refused from the count, never listed.
        post(type="item_receipt", location_id=co.main, lines=[
            line(co.grandfather, 1, serials=["GF-1"]),
            line(co.clock, 1_000_000_000, serial_ranges=[{"first": "SN-0000000001", "count": 1_000_000_000}])])
    assert [error.field for error in refused.value.errors] == ["lines[1].serial_ranges"]
    assert "Line 2's serial ranges hold 1,000,000,000 serial numbers; at most 100 fit" in refused.value.message
    assert snapshot() == before


# ---------------------------------------------------------------------------------------- ranges in a CSV file
def test_a_csv_row_may_hold_a_range(co):
    data = "Serial,Notes\nODD-1,single\nSN-0001 - SN-0003,box 1\nSN-0004 +2,box 2\n"
    parsed = read_serials_csv(data)
    assert parsed.serials == ["ODD-1", "SN-0001", "SN-0002", "SN-0003", "SN-0004", "SN-0005"]
    assert parsed.rows == [2, 3, 3, 3, 4, 4]
    post(type="item_receipt", location_id=co.main, lines=[line(co.clock, 6, serials_csv=data)])
    assert len(units_of(co.clock)) == 6 and unit(co.clock, "SN-0005") is not None


def test_a_csv_range_row_that_does_not_read_is_refused_naming_the_row():
    with pytest.raises(InvalidInput) as refused:
        read_serials_csv("serial\nSN-0001\nSN-0009 - SN-0002\n", "lines[0].serials_csv")
    assert "Row 3: SN-0009 - SN-0002 reads as a range" in refused.value.message
    assert "SN-0002 comes before SN-0009" in refused.value.message
    assert [error.field for error in refused.value.errors] == ["lines[0].serials_csv"]


def test_a_csv_range_repeating_another_row_names_both_rows():
    with pytest.raises(Conflict) as refused:
        read_serials_csv("SN-0001..SN-0005\nSN-0003\n")
    assert "SN-0003 on rows 1, 2" in refused.value.message


def test_a_csv_range_past_the_limit_is_refused_before_it_is_listed():
    with pytest.raises(InvalidInput) as refused:
        read_serials_csv("SN-1\nSN-2 +999999999\n", "lines[0].serials_csv", limit=1000)
    assert "holds 1,000,000,000 serial numbers (row 2" in refused.value.message
    assert "at most 1,000 fit in one document" in refused.value.message


def test_a_request_posted_again_after_a_refusal_is_not_expanded_twice(co):
    receive(co.clock, ["SN-0002"], co.showroom)
    request = request_of({"type": "item_receipt", "location_id": co.main, "lines": [
        line(co.clock, 3, serial_ranges=[{"first": "SN-0001", "count": 3}])]})
    for _ in range(2):
        with pytest.raises(Conflict) as refused:
            post_transaction(db.session, request, None, current_app.extensions[LIMITS_KEY])
        assert "SN-0002 of Armenian Mantel Clock already exists" in refused.value.message
    assert request.lines[0].serials == ["SN-0001", "SN-0002", "SN-0003"]
