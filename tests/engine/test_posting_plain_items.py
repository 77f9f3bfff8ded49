"""Items tracked by quantity only: stock per location, never below zero, and no serials."""
import pytest

from sos_serial.errors import Conflict, InvalidInput
from sos_serial.models import SerialHistory, SerialUnit
from tests.support.world import count, figures, line, lines_of, post, receive_plain, snapshot, stock_at

OIL = "Clock Oil 10 ml"


@pytest.fixture
def oiled(co):
    """10 bottles at Main Warehouse at 4.00 and 5 at the Showroom at 4.00."""
    receive_plain(co.oil, 10, co.main, unit_cost="4.00")
    receive_plain(co.oil, 5, co.showroom, unit_cost="4.00")
    return co


def levels(co):
    return stock_at(co.oil, co.main), stock_at(co.oil, co.showroom)


def test_receipts_keep_stock_per_location(oiled):
    co = oiled
    assert levels(co) == (10, 5)
    assert figures(co.oil) == (15, 60)
    assert count(SerialUnit) == 0 and count(SerialHistory) == 0


def test_a_receipt_without_a_cost_takes_the_items_cost(co):
    document = receive_plain(co.oil, 4, co.main)
    assert figures(co.oil) == (4, 17)
    assert lines_of(document)[0].cost == 17


@pytest.mark.parametrize("kind", ["shipment", "rental"])
def test_outbound_takes_from_the_documents_location(oiled, kind):
    co = oiled
    post(type=kind, location_id=co.main, customer_id=co.acme, lines=[line(co.oil, 4)])
    assert levels(co) == (6, 5)
    assert figures(co.oil) == (11, 44)


def test_stock_never_goes_below_zero_at_a_location(oiled):
    co = oiled
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="shipment", location_id=co.showroom, customer_id=co.acme, lines=[line(co.oil, 6)])
    assert refused.value.message == f"{OIL}: 6 needed but only 5 on hand at Showroom."
    assert refused.value.errors[0].field == "lines[0].quantity"
    assert snapshot() == before


def test_lines_of_one_item_are_added_up_against_the_stock(oiled):
    co = oiled
    before = snapshot()
    with pytest.raises(Conflict, match="8 needed but only 5 on hand at Showroom"):
        post(type="adjustment", location_id=co.showroom, lines=[line(co.oil, -4), line(co.oil, -4)])
    assert snapshot() == before


def test_a_location_that_never_held_the_item_has_none(co):
    receive_plain(co.oil, 3, co.main)
    with pytest.raises(Conflict, match="1 needed but only 0 on hand at Showroom"):
        post(type="adjustment", location_id=co.showroom, lines=[line(co.oil, -1)])


def test_taking_everything_leaves_zero(oiled):
    co = oiled
    post(type="adjustment", location_id=co.showroom, lines=[line(co.oil, -5)])
    assert levels(co) == (10, 0)
    assert figures(co.oil) == (10, 40)
    with pytest.raises(Conflict):
        post(type="shipment", location_id=co.showroom, customer_id=co.acme, lines=[line(co.oil, 1)])


def test_a_transfer_moves_stock_between_locations(oiled):
    co = oiled
    document = post(type="transfer", location_id=co.main, to_location_id=co.showroom, lines=[line(co.oil, 7)])
    assert levels(co) == (3, 12)
    assert figures(co.oil) == (15, 60)
    assert lines_of(document)[0].cost == 28
    with pytest.raises(Conflict, match="4 needed but only 3 on hand at Main Warehouse"):
        post(type="transfer", location_id=co.main, to_location_id=co.showroom, lines=[line(co.oil, 4)])
    post(type="transfer", location_id=co.showroom, to_location_id=co.main, lines=[line(co.oil, 12)])
    assert levels(co) == (15, 0)


def test_returns_adjustments_and_rental_returns_add_at_the_location(oiled):
    co = oiled
    post(type="return", location_id=co.showroom, customer_id=co.acme, lines=[line(co.oil, 2)])
    post(type="rental_return", location_id=co.main, customer_id=co.acme, lines=[line(co.oil, 1)])
    post(type="adjustment", location_id=co.main, lines=[line(co.oil, 3, unit_cost="4.00")])
    assert levels(co) == (14, 7)
    assert figures(co.oil) == (21, 84)  # returns without a cost come back at the average cost


def test_a_pick_ticket_moves_nothing_but_needs_the_stock(oiled):
    co = oiled
    before = snapshot()
    document = post(type="pick_ticket", location_id=co.showroom, lines=[line(co.oil, 5)])
    assert levels(co) == (10, 5)
    assert figures(co.oil) == (15, 60)
    assert lines_of(document)[0].cost == 0
    with pytest.raises(Conflict, match="6 needed but only 5"):
        post(type="pick_ticket", location_id=co.showroom, lines=[line(co.oil, 6)])
    after = snapshot()
    assert after["stock_levels"] == before["stock_levels"] and after["items"] == before["items"]


def test_a_build_consumes_plain_inputs_and_stocks_plain_outputs(oiled):
    co = oiled
    post(type="build", location_id=co.main, lines=[
        line(co.oil, 3, role="input"), line(co.clock, 1, role="output", serials=["KIT-1"])])
    assert levels(co) == (7, 5)
    assert figures(co.oil) == (12, 48)
    assert figures(co.clock) == (1, 12)


@pytest.mark.parametrize("fields", [{"serials": ["OIL-1"]}, {"serials_csv": "OIL-1\n"}])
def test_serials_on_a_plain_line_are_refused(oiled, fields):
    co = oiled
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        post(type="item_receipt", location_id=co.main, lines=[line(co.oil, 1, **fields)])
    assert refused.value.message == f"{OIL} is not tracked by serial number; give only a quantity."
    assert refused.value.errors[0].field == "lines[0].serials"
    with pytest.raises(InvalidInput, match="give only a quantity"):
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.oil, 1, serials=["OIL-1"])])
    assert snapshot() == before


@pytest.mark.parametrize("kind, quantity, words", [
    ("shipment", -1, "Only adjustments take negative quantities"),
    ("item_receipt", 0, "cannot be zero"),
    ("item_receipt", 1.5, "whole number"),
    ("item_receipt", True, "whole number"),
])
def test_quantities_must_be_whole_non_zero_and_positive_outside_adjustments(oiled, kind, quantity, words):
    co = oiled
    with pytest.raises(InvalidInput, match=words) as refused:
        post(type=kind, location_id=co.main, customer_id=co.acme, lines=[line(co.oil, quantity)])
    assert refused.value.errors[0].field == "lines[0].quantity"
