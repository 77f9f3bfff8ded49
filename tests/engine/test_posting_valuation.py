"""What stock is worth: specific-ID unit costs, FIFO layers, the running average, build outputs."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sos_serial.extensions import db
from sos_serial.models import SerialUnit
from tests.support.world import (
    figures,
    line,
    lines_of,
    open_layers,
    post,
    receive,
    receive_plain,
    set_settings,
    ship,
    unit,
)

D = Decimal


@pytest.fixture
def three_clocks(co):
    """A at 100, B at 200, C at 300, received in that order at Main Warehouse."""
    for serial, cost in (("A", "100"), ("B", "200"), ("C", "300")):
        receive(co.clock, [serial], co.main, unit_cost=cost)
    return co


def shipped_cost(co, *serials):
    return lines_of(ship(co.clock, serials, co.main, co.acme))[0].cost


def in_stock_figures(item_id):
    """(count, summed unit cost) of the item's units in stock, counted from the units themselves."""
    return tuple(db.session.execute(
        select(func.count(), func.coalesce(func.sum(SerialUnit.unit_cost), 0))
        .where(SerialUnit.item_id == item_id, SerialUnit.status == "in_stock")).one())


def test_specific_id_takes_out_exactly_the_units_own_cost(three_clocks):
    co = three_clocks
    assert figures(co.clock) == (3, 600)
    assert shipped_cost(co, "B") == 200
    assert figures(co.clock) == (2, 400)
    assert shipped_cost(co, "C") == 300
    assert figures(co.clock) == (1, 100)
    assert unit(co.clock, "C").unit_cost == 300  # the unit keeps its cost after leaving


def test_fifo_takes_the_oldest_layers_first(three_clocks):
    co = three_clocks
    set_settings(value_serials_by_specific_id=False, valuation_method="fifo")
    assert shipped_cost(co, "C") == 100
    assert figures(co.clock) == (2, 500)
    assert open_layers(co.clock) == [(1, 200), (1, 300)]
    assert shipped_cost(co, "A", "B") == 500
    assert figures(co.clock) == (0, 0)


def test_fifo_across_layers_of_several_units(co):
    set_settings(value_serials_by_specific_id=False, valuation_method="fifo")
    receive_plain(co.oil, 10, co.main, unit_cost="4.00")
    receive_plain(co.oil, 10, co.main, unit_cost="5.00")
    document = post(type="shipment", location_id=co.main, customer_id=co.acme, lines=[line(co.oil, 15)])
    assert lines_of(document)[0].cost == 40 + 25
    assert figures(co.oil) == (5, 25)
    assert open_layers(co.oil) == [(5, 5)]


def test_average_takes_the_running_average_cost(co):
    set_settings(value_serials_by_specific_id=False, valuation_method="average")
    receive(co.clock, ["A", "B"], co.main, unit_cost="100")
    receive(co.clock, ["C"], co.main, unit_cost="400")
    assert shipped_cost(co, "A") == 200            # 600 / 3
    receive(co.clock, ["D"], co.main, unit_cost="100")
    assert figures(co.clock) == (3, 500)
    assert shipped_cost(co, "B") == D("166.6667")  # 500 / 3
    assert shipped_cost(co, "C", "D") == D("333.3333")  # the rest of the value, to the last ten-thousandth
    assert figures(co.clock) == (0, 0)


def test_average_for_plain_items(co):
    set_settings(valuation_method="average")  # plain items have no units to value specifically
    receive_plain(co.oil, 10, co.main, unit_cost="4.00")
    receive_plain(co.oil, 10, co.main, unit_cost="5.00")
    document = post(type="adjustment", location_id=co.main, lines=[line(co.oil, -4)])
    assert lines_of(document)[0].cost == 18
    assert figures(co.oil) == (16, 72)


def test_build_outputs_without_a_cost_share_the_inputs_cost_evenly(three_clocks):
    co = three_clocks
    document = post(type="build", location_id=co.main, lines=[
        line(co.grandfather, 2, role="output", serials=["GF-1", "GF-2"]),
        line(co.clock, 2, role="input", serials=["A", "B"])])
    outputs, inputs = lines_of(document)
    assert inputs.cost == 300
    assert (outputs.unit_cost, outputs.cost) == (150, 300)
    assert [unit(co.grandfather, s).unit_cost for s in ("GF-1", "GF-2")] == [150, 150]
    assert figures(co.grandfather) == (2, 300)
    assert figures(co.clock) == (1, 300)


def test_process_outputs_split_mixed_inputs_evenly(three_clocks):
    co = three_clocks
    receive_plain(co.oil, 10, co.main, unit_cost="4.00")
    document = post(type="process", location_id=co.main, lines=[
        line(co.clock, 1, role="input", serials=["A"]),
        line(co.oil, 5, role="input"),
        line(co.grandfather, 3, role="output", serials=["GF-1", "GF-2", "GF-3"])])
    assert [li.cost for li in lines_of(document)] == [100, 20, 120]
    assert [unit(co.grandfather, f"GF-{n}").unit_cost for n in (1, 2, 3)] == [40, 40, 40]


def test_an_output_with_its_own_cost_keeps_it(three_clocks):
    co = three_clocks
    post(type="build", location_id=co.main, lines=[
        line(co.clock, 1, role="input", serials=["A"]),
        line(co.grandfather, 1, role="output", serials=["GF-1"], unit_cost="999.00")])
    assert unit(co.grandfather, "GF-1").unit_cost == 999
    assert figures(co.grandfather) == (1, 999)


@pytest.mark.parametrize("specific_id", [True, False])
def test_on_hand_counts_units_in_stock_only(co, specific_id):
    set_settings(value_serials_by_specific_id=specific_id)
    receive(co.clock, ["A", "B", "C", "D", "E", "F"], co.main, unit_cost="100")
    ship(co.clock, ["A"], co.main, co.acme)
    post(type="rental", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["B"])])
    post(type="adjustment", location_id=co.main, lines=[line(co.clock, -1, serials=["C"])])
    post(type="build", location_id=co.main, lines=[line(co.clock, 1, role="input", serials=["D"]),
                                                   line(co.oil, 1, role="output")])
    post(type="transfer", location_id=co.main, to_location_id=co.showroom,
         lines=[line(co.clock, 1, serials=["E"])])
    assert figures(co.clock) == (2, 200) == in_stock_figures(co.clock)
    post(type="rental_return", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["B"])])
    assert figures(co.clock) == (3, 300) == in_stock_figures(co.clock)


def test_a_re_entered_unit_takes_the_new_lines_cost(three_clocks):
    co = three_clocks
    ship(co.clock, ["A"], co.main, co.acme)
    receive(co.clock, ["A"], co.showroom, unit_cost="70")
    assert unit(co.clock, "A").unit_cost == 70
    assert figures(co.clock) == (3, 570)
    assert shipped_cost(co, "B") == 200
    ship(co.clock, ["A"], co.showroom, co.acme)
    receive(co.clock, ["a"], co.main)  # no cost on the line: the item's cost
    assert unit(co.clock, "A").unit_cost == D("149.99")


def test_a_return_keeps_the_units_cost_unless_the_line_gives_one(three_clocks):
    co = three_clocks
    ship(co.clock, ["A", "B"], co.main, co.acme)
    post(type="return", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 1, serials=["A"])])
    assert unit(co.clock, "A").unit_cost == 100
    post(type="return", location_id=co.main, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["B"], unit_cost="50")])
    assert unit(co.clock, "B").unit_cost == 50
    assert figures(co.clock) == (3, 450) == in_stock_figures(co.clock)


def test_fifo_after_a_return_of_units_at_different_costs_leaves_no_value_behind(co):
    set_settings(value_serials_by_specific_id=False, valuation_method="fifo")
    receive(co.clock, ["A", "B"], co.main, unit_cost="100")
    receive(co.clock, ["C"], co.main, unit_cost="101")
    ship(co.clock, ["A", "B", "C"], co.main, co.acme)
    post(type="return", location_id=co.main, customer_id=co.acme, lines=[line(co.clock, 3, serials=["A", "B", "C"])])
    assert figures(co.clock) == (3, 301)
    assert open_layers(co.clock) == [(2, 100), (1, 101)]
    assert shipped_cost(co, "C") == 100
    assert shipped_cost(co, "A", "B") == 201
    assert figures(co.clock) == (0, 0)
