"""Item receipts: typed serials, their text rules, repeats, units already in stock, and re-entry."""
from decimal import Decimal

import pytest

from sos_serial.errors import Conflict, InvalidInput
from sos_serial.models import SerialUnit
from tests.support.world import (
    count,
    figures,
    history,
    line,
    line_serials,
    lines_of,
    post,
    receive,
    ship,
    snapshot,
    unit,
    units_of,
)


def receipt(co, *lines, location=None):
    return post(type="item_receipt", location_id=location or co.main, vendor_id=co.vendor, lines=list(lines))


def test_typed_serials_are_trimmed_and_keep_the_case_first_received(co):
    document = receipt(co, line(co.clock, 2, serials=["  clk-0001 ", "\u3000Clk-0002"]))
    assert document.number.startswith("IR-")
    assert [u.serial_number for u in units_of(co.clock)] == ["clk-0001", "Clk-0002"]
    assert unit(co.clock, "CLK-0001").serial_number == "clk-0001"
    assert line_serials(lines_of(document)[0].id) == ["Clk-0002", "clk-0001"]


def test_a_serial_is_unique_per_item_ignoring_case(co):
    receive(co.clock, ["clk-0001"], co.main)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receive(co.clock, ["CLK-0001"], co.showroom)
    assert "clk-0001 of Armenian Mantel Clock already exists: it is in stock at Main Warehouse" \
        in refused.value.message
    assert refused.value.errors[0].field == "lines[0].serials"
    assert snapshot() == before


def test_the_same_serial_may_exist_for_another_item(co):
    receive(co.clock, ["SN-1"], co.main)
    receive(co.grandfather, ["sn-1"], co.main)
    assert unit(co.clock, "SN-1").id != unit(co.grandfather, "SN-1").id
    assert unit(co.grandfather, "SN-1").serial_number == "sn-1"


def test_missing_serials_are_one_prompt_listing_every_short_line(co):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        receipt(co,
                line(co.clock, 3, serials=["A-1"]),
                line(co.oil, 5),
                line(co.grandfather, 1),
                line(co.clock, 2, serials=["A-2", "A-3"]))
    error = refused.value
    assert [e.field for e in error.errors] == ["lines[0].serials", "lines[2].serials"]
    assert "needs 2 more serial numbers (1 of 3 given)" in error.errors[0].message
    assert "Grandfather Clock needs 1 more serial number (0 of 1 given)" in error.errors[1].message
    assert "Serial numbers are missing" in error.message
    assert snapshot() == before


def test_more_serials_than_the_quantity_is_invalid(co):
    with pytest.raises(InvalidInput) as refused:
        receipt(co, line(co.clock, 1, serials=["A-1", "A-2"]))
    assert refused.value.errors[0].field == "lines[0].serials"
    assert "2 serial numbers given for a quantity of 1" in refused.value.message
    assert count(SerialUnit) == 0


@pytest.mark.parametrize("bad, words", [
    ("A\tB", "a tab"),
    ("A\nB", "a line break"),
    ("A\rB", "a carriage return"),
    ("A\x00B", "U+0000"),
    ("A\x7fB", "U+007F"),
    ("X" * 65, "65 characters long"),
    ("", "an empty serial number"),
    ("   ", "an empty serial number"),
])
def test_bad_serial_text_is_invalid_naming_the_line(co, bad, words):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        receipt(co, line(co.oil, 1), line(co.clock, 2, serials=["GOOD-1", bad]))
    assert [e.field for e in refused.value.errors] == ["lines[1].serials"]
    assert words in refused.value.message
    assert snapshot() == before


def test_a_serial_of_exactly_64_characters_is_accepted(co):
    longest = "S" * 64
    receipt(co, line(co.clock, 1, serials=[f"  {longest}  "]))
    assert unit(co.clock, longest).serial_number == longest


def test_a_serial_whose_compared_form_outgrows_64_characters_is_invalid(co):
    receipt(co, line(co.clock, 1, serials=["ß" * 32]))  # compared as "ss" * 32: 64 characters
    assert unit(co.clock, "SS" * 32).serial_number == "ß" * 32
    before = snapshot()
    with pytest.raises(InvalidInput, match="66 characters long when compared without regard to case") as refused:
        receipt(co, line(co.clock, 1, serials=["ß" * 2 + "X" * 62]))
    assert refused.value.errors[0].field == "lines[0].serials"
    assert snapshot() == before


def test_a_space_inside_a_serial_is_kept(co):
    receipt(co, line(co.clock, 1, serials=["CLK 0001"]))
    assert unit(co.clock, "clk 0001").serial_number == "CLK 0001"


def test_repeats_within_a_document_are_all_listed(co):
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receipt(co, line(co.clock, 4, serials=["A-1", "a-1 ", "B-1", "C-1"]),
                line(co.clock, 2, serials=["b-1", "D-1"]),
                line(co.grandfather, 1, serials=["C-1"]))  # another item: not a repeat
    error = refused.value
    assert [e.field for e in error.errors] == ["lines[0].serials", "lines[1].serials"]
    assert "a-1 of Armenian Mantel Clock appears more than once" in error.message
    assert "b-1 of Armenian Mantel Clock appears more than once" in error.message
    assert "C-1" not in error.message
    assert snapshot() == before


def test_a_serial_in_stock_is_refused_naming_where_it_is(co):
    receive(co.clock, ["CLK-0001", "CLK-0002"], co.showroom)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receipt(co, line(co.clock, 3, serials=["CLK-0003", "clk-0001", "CLK-0002"]))
    error = refused.value
    assert len(error.errors) == 2
    assert "CLK-0001 of Armenian Mantel Clock already exists: it is in stock at Showroom" in error.message
    assert "CLK-0002 of Armenian Mantel Clock already exists: it is in stock at Showroom" in error.message
    assert snapshot() == before


def test_a_serial_out_on_rental_is_refused_naming_the_customer(co):
    receive(co.clock, ["CLK-0001"], co.main)
    post(type="rental", location_id=co.main, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["CLK-0001"])])
    before = snapshot()
    with pytest.raises(Conflict, match="CLK-0001 of Armenian Mantel Clock already exists: it is out on "
                                       "rental to customer Acme Clocks"):
        receipt(co, line(co.clock, 1, serials=["CLK-0001"]))
    assert snapshot() == before


def _leave_stock(co, how, serial):
    if how == "shipped":
        ship(co.clock, [serial], co.main, co.acme)
    elif how == "adjusted_out":
        post(type="adjustment", location_id=co.main, lines=[line(co.clock, -1, serials=[serial])])
    else:
        post(type="build", location_id=co.main, lines=[
            line(co.clock, 1, role="input", serials=[serial]),
            line(co.grandfather, 1, role="output", serials=["GF-1"])])


@pytest.mark.parametrize("how", ["shipped", "adjusted_out", "used"])
def test_a_unit_that_left_stock_comes_back_as_the_same_unit(co, how):
    receive(co.clock, ["CLK-0001"], co.main, unit_cost="100.00")
    first = unit(co.clock, "CLK-0001")
    _leave_stock(co, how, "CLK-0001")
    assert unit(co.clock, "CLK-0001").status == how
    units_before = count(SerialUnit)
    document = receipt(co, line(co.clock, 2, unit_cost="80.00", serials=["clk-0001", "CLK-0002"]),
                       location=co.showroom)
    again = unit(co.clock, "CLK-0001")
    assert again.id == first.id
    assert again.serial_number == "CLK-0001"  # the spelling first received stays
    assert (again.status, again.location_id, again.customer_id) == ("in_stock", co.showroom, None)
    assert count(SerialUnit) == units_before + 1  # only CLK-0002 is new
    kinds = {"shipped": "shipment", "adjusted_out": "adjustment", "used": "build"}
    assert [row[0] for row in history(first.id)] == ["item_receipt", kinds[how], "item_receipt"]
    assert history(first.id)[-1] == ("item_receipt", "in_stock", co.showroom, None)
    assert line_serials(lines_of(document)[0].id) == ["CLK-0001", "CLK-0002"]
    assert figures(co.clock) == (2, 160)


def test_receipt_defaults_to_the_items_cost_and_counts_on_hand(co):
    receipt(co, line(co.clock, 2, serials=["A", "B"]), line(co.oil, 10, unit_cost="4.00"))
    assert [str(u.unit_cost) for u in units_of(co.clock)] == ["149.9900", "149.9900"]
    assert figures(co.clock) == (2, Decimal("299.98"))
    assert figures(co.oil) == (10, 40)


def test_a_receipt_records_who_posted_it(co):
    document = post(user=co.user, type="item_receipt", location_id=co.main,
                    lines=[line(co.clock, 1, serials=["A"])])
    assert document.created_by_id == co.user.id


def test_an_unknown_item_or_location_is_invalid(co):
    with pytest.raises(InvalidInput) as refused:
        receipt(co, line(9999, 1, serials=["A"]))
    assert refused.value.errors[0].field == "lines[0].item_id"
    with pytest.raises(InvalidInput) as refused:
        post(type="item_receipt", location_id=9999, lines=[line(co.clock, 1, serials=["A"])])
    assert refused.value.errors[0].field == "location_id"
    assert count(SerialUnit) == 0


def test_typed_serials_with_auto_numbering_on_the_same_line_are_refused(co):
    with pytest.raises(InvalidInput, match="not more than one"):
        receipt(co, line(co.clock, 1, serials=["A"], auto_serials=True))
