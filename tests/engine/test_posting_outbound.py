"""Documents that take existing units: where each unit must be, and where each kind puts it."""
import pytest

from sos_serial.errors import Conflict, InvalidInput
from sos_serial.models import SerialHistory, TransactionLineSerial
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
)

CLOCK = "Armenian Mantel Clock"


@pytest.fixture
def stocked(co):
    """Six clocks in stock at Main Warehouse, two at the Showroom."""
    receive(co.clock, [f"CLK-000{n}" for n in range(1, 7)], co.main, unit_cost="100.00")
    receive(co.clock, ["SHW-1", "SHW-2"], co.showroom, unit_cost="100.00")
    return co


def place(serial, co):
    found = unit(co.clock, serial)
    return found.status, found.location_id, found.customer_id


def outbound(kind, co, serials, location=None, customer=None):
    """One document of ``kind`` taking ``serials`` of the clock from ``location`` (Main Warehouse)."""
    location = location or co.main
    quantity = len(serials)
    doc = {"type": kind, "location_id": location}
    if kind in ("shipment", "rental", "return", "rental_return"):
        doc["customer_id"] = customer or co.acme
    if kind == "transfer":
        doc["to_location_id"] = co.showroom if location != co.showroom else co.main
    if kind == "adjustment":
        quantity = -quantity
    lines = [line(co.clock, quantity, serials=list(serials))]
    if kind in ("build", "process"):
        lines = [line(co.clock, quantity, role="input", serials=list(serials)),
                 line(co.oil, 1, role="output")]
    return post(**doc, lines=lines)


# ---------------------------------------------------------------------------- where units go
def test_each_kind_leaves_units_in_the_right_status_and_place(stocked):
    co = stocked
    ship(co.clock, ["CLK-0001"], co.main, co.acme)
    assert place("CLK-0001", co) == ("shipped", None, co.acme)
    outbound("transfer", co, ["CLK-0002"])
    assert place("CLK-0002", co) == ("in_stock", co.showroom, None)
    outbound("rental", co, ["CLK-0003"])
    assert place("CLK-0003", co) == ("rented", None, co.acme)
    outbound("adjustment", co, ["CLK-0004"])
    assert place("CLK-0004", co) == ("adjusted_out", None, None)
    outbound("build", co, ["CLK-0005"])
    assert place("CLK-0005", co) == ("used", None, None)
    outbound("process", co, ["CLK-0006"])
    assert place("CLK-0006", co) == ("used", None, None)
    post(type="return", location_id=co.showroom, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["CLK-0001"])])
    assert place("CLK-0001", co) == ("in_stock", co.showroom, None)
    post(type="rental_return", location_id=co.main, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["CLK-0003"])])
    assert place("CLK-0003", co) == ("in_stock", co.main, None)
    post(type="adjustment", location_id=co.showroom, lines=[line(co.clock, 1, serials=["NEW-1"])])
    assert place("NEW-1", co) == ("in_stock", co.showroom, None)
    post(type="process", location_id=co.showroom, lines=[
        line(co.clock, 1, role="input", serials=["SHW-1"]), line(co.clock, 1, role="output", serials=["OUT-1"])])
    assert place("SHW-1", co) == ("used", None, None)
    assert place("OUT-1", co) == ("in_stock", co.showroom, None)
    # In stock now: CLK-0001, CLK-0002, CLK-0003, NEW-1, SHW-2, OUT-1.
    assert figures(co.clock)[0] == 6


def test_a_pick_ticket_moves_nothing_and_adds_no_history(stocked):
    co = stocked
    before_history = count(SerialHistory)
    document = outbound("pick_ticket", co, ["CLK-0001", "clk-0002"])
    assert place("CLK-0001", co) == ("in_stock", co.main, None)
    assert count(SerialHistory) == before_history
    assert line_serials(lines_of(document)[0].id) == ["CLK-0001", "CLK-0002"]
    assert figures(co.clock) == (8, 800)
    ship(co.clock, ["CLK-0001"], co.main, co.acme)  # a picked unit can still be shipped


def test_picked_serials_match_without_regard_to_case(stocked):
    co = stocked
    document = ship(co.clock, ["  clk-0001 "], co.main, co.acme)
    assert place("CLK-0001", co) == ("shipped", None, co.acme)
    assert line_serials(lines_of(document)[0].id) == ["CLK-0001"]


def test_a_transfer_moves_units_between_locations_without_changing_value(stocked):
    co = stocked
    document = outbound("transfer", co, ["CLK-0001", "CLK-0002"])
    assert [place(s, co) for s in ("CLK-0001", "CLK-0002")] == [("in_stock", co.showroom, None)] * 2
    assert figures(co.clock) == (8, 800)
    assert lines_of(document)[0].cost == 200
    outbound("transfer", co, ["CLK-0001"], location=co.showroom)
    assert place("CLK-0001", co) == ("in_stock", co.main, None)


# ---------------------------------------------------------------------------- refusals
def test_the_refusal_says_where_the_unit_actually_is(stocked):
    co = stocked
    ship(co.clock, ["CLK-0003"], co.main, co.acme)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        ship(co.clock, ["CLK-0003"], co.main, co.baker)
    assert refused.value.message == (
        f"CLK-0003 of {CLOCK} is shipped to customer Acme Clocks, not in stock at Main Warehouse.")
    assert refused.value.errors[0].field == "lines[0].serials"
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["shipment", "transfer", "pick_ticket", "rental", "adjustment", "build",
                                  "process"])
def test_outbound_kinds_take_only_units_in_stock_at_the_documents_location(stocked, kind):
    co = stocked
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        outbound(kind, co, ["CLK-0001", "SHW-1", "NOPE-1"])
    message = refused.value.message
    assert f"SHW-1 of {CLOCK} is in stock at Showroom, not in stock at Main Warehouse." in message
    assert f"NOPE-1 of {CLOCK} is not in the inventory." in message
    assert "CLK-0001" not in message
    assert len(refused.value.errors) == 2
    assert snapshot() == before


@pytest.mark.parametrize("state, words", [
    ("shipped", "shipped to customer Acme Clocks"),
    ("rented", "out on rental to customer Acme Clocks"),
    ("adjusted_out", "adjusted out of stock"),
    ("used", "used in a build or process"),
])
def test_a_unit_that_left_stock_cannot_be_taken_again(stocked, state, words):
    co = stocked
    kind = {"shipped": "shipment", "rented": "rental", "adjusted_out": "adjustment", "used": "build"}[state]
    outbound(kind, co, ["CLK-0001"])
    with pytest.raises(Conflict) as refused:
        outbound("transfer", co, ["CLK-0001"])
    assert refused.value.message == f"CLK-0001 of {CLOCK} is {words}, not in stock at Main Warehouse."


def test_a_serial_of_another_item_is_not_in_the_inventory(stocked):
    co = stocked
    receive(co.grandfather, ["GF-1"], co.main)
    with pytest.raises(Conflict, match=f"GF-1 of {CLOCK} is not in the inventory"):
        ship(co.clock, ["GF-1"], co.main, co.acme)


def test_a_return_takes_only_units_shipped_to_that_customer(stocked):
    co = stocked
    ship(co.clock, ["CLK-0001"], co.main, co.acme)
    outbound("rental", co, ["CLK-0002"])
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="return", location_id=co.main, customer_id=co.baker,
             lines=[line(co.clock, 4, serials=["CLK-0001", "CLK-0002", "CLK-0003", "NOPE"])])
    message = refused.value.message
    assert (f"CLK-0001 of {CLOCK} is shipped to customer Acme Clocks, not shipped to customer "
            "Baker & Sons Jewelers.") in message
    assert f"CLK-0002 of {CLOCK} is out on rental to customer Acme Clocks, not shipped to customer" in message
    assert f"CLK-0003 of {CLOCK} is in stock at Main Warehouse, not shipped to customer" in message
    assert f"NOPE of {CLOCK} is not in the inventory." in message
    assert snapshot() == before
    post(type="return", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["CLK-0001"])])
    assert place("CLK-0001", co) == ("in_stock", co.main, None)


def test_a_rental_return_takes_only_units_rented_to_that_customer(stocked):
    co = stocked
    outbound("rental", co, ["CLK-0001"])
    ship(co.clock, ["CLK-0002"], co.main, co.acme)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="rental_return", location_id=co.main, customer_id=co.baker,
             lines=[line(co.clock, 1, serials=["CLK-0001"])])
    assert refused.value.message == (f"CLK-0001 of {CLOCK} is out on rental to customer Acme Clocks, not rented "
                                     "to customer Baker & Sons Jewelers.")
    with pytest.raises(Conflict, match="CLK-0002 .* is shipped to customer Acme Clocks, not rented to customer"):
        post(type="rental_return", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials=["CLK-0002"])])
    assert snapshot() == before
    post(type="rental_return", location_id=co.showroom, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["CLK-0001"])])
    assert place("CLK-0001", co) == ("in_stock", co.showroom, None)


def test_outbound_serials_must_match_the_quantity(stocked):
    co = stocked
    with pytest.raises(InvalidInput) as refused:
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials=["CLK-0001", "CLK-0002"])])
    assert "2 serial numbers given for a quantity of 1" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        post(type="transfer", location_id=co.main, to_location_id=co.showroom,
             lines=[line(co.clock, 3, serials=["CLK-0001"])])
    assert "needs 2 more serial numbers (1 of 3 given)" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        post(type="adjustment", location_id=co.main, lines=[line(co.clock, -2)])
    assert "needs 2 more serial numbers (0 of 2 given)" in refused.value.message
    assert place("CLK-0001", co) == ("in_stock", co.main, None)


def test_one_unit_named_twice_in_a_document_is_refused(stocked):
    co = stocked
    before = snapshot()
    with pytest.raises(Conflict, match="CLK-0002 of Armenian Mantel Clock appears more than once"):
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials=["clk-0002"]), line(co.clock, 1, serials=["CLK-0002"])])
    assert snapshot() == before


@pytest.mark.parametrize("doc, field", [
    ({"type": "shipment", "location_id": 1}, "customer_id"),
    ({"type": "transfer", "location_id": 1}, "to_location_id"),
    ({"type": "transfer", "location_id": 1, "to_location_id": 1}, "to_location_id"),
    ({"type": "return", "location_id": 1, "customer_id": 999}, "customer_id"),
    ({"type": "shipment", "location_id": 999, "customer_id": 1}, "location_id"),
])
def test_documents_need_their_parties(stocked, doc, field):
    co = stocked
    with pytest.raises(InvalidInput) as refused:
        post(**doc, lines=[line(co.clock, 1, serials=["CLK-0001"])])
    assert field in [e.field for e in refused.value.errors]


def test_the_moved_units_are_linked_to_the_line_and_recorded_once_each(stocked):
    co = stocked
    links, rows = count(TransactionLineSerial), count(SerialHistory)
    document = ship(co.clock, ["CLK-0001", "CLK-0002"], co.main, co.acme)
    assert count(TransactionLineSerial) == links + 2
    assert count(SerialHistory) == rows + 2
    assert history(unit(co.clock, "CLK-0002").id)[-1] == ("shipment", "shipped", None, co.acme)
    assert document.number.startswith("SH-")
