"""`flask check`: a clean database passes; each invariant, broken past the engine with plain SQL, is named."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text, update

from sos_serial.engine.posting import create_serial_unit, void_transaction
from sos_serial.extensions import db
from sos_serial.models import CostLayer, Item, SerialHistory, SerialUnit, StockLevel
from sos_serial.models.serial_unit import serial_key
from tests.support.world import line, post, receive, receive_plain, ship

CLOCK = "Armenian Mantel Clock"


@pytest.fixture
def books(co):
    """Every kind of movement, a void and a unit added directly: the books as the engine keeps them."""
    receive(co.clock, ["CLK-1", "CLK-2", "CLK-3", "CLK-4", "CLK-5"], co.main, unit_cost="100.00")
    receive(co.clock, ["CLK-6"], co.main, unit_cost="130.00", date="2026-01-06")
    receive_plain(co.oil, 10, co.main, unit_cost="4.00")
    ship(co.clock, ["CLK-1"], co.main, co.acme, date="2026-01-07")
    post(type="return", date="2026-01-08", location_id=co.main, customer_id=co.acme,
         lines=[line(co.clock, 1, serials=["CLK-1"])])
    ship(co.clock, ["CLK-1"], co.main, co.baker, date="2026-01-09")
    moved = post(type="transfer", date="2026-02-01", location_id=co.main, to_location_id=co.showroom,
                 lines=[line(co.clock, 2, serials=["CLK-2", "CLK-6"]), line(co.oil, 3)])
    back = post(type="transfer", date="2026-03-01", location_id=co.showroom, to_location_id=co.main,
                lines=[line(co.clock, 1, serials=["CLK-6"])])
    post(type="adjustment", date="2026-03-02", location_id=co.main,
         lines=[line(co.clock, -1, serials=["CLK-3"]), line(co.oil, 2, unit_cost="5.00")])
    post(type="build", date="2026-03-03", location_id=co.main,
         lines=[line(co.oil, 1, role="input"), line(co.grandfather, 1, role="output", serials=["GF-1"])])
    post(type="rental", date="2026-03-04", location_id=co.main, customer_id=co.acme,
         lines=[line(co.grandfather, 1, serials=["GF-1"])])
    wrong = ship(co.clock, ["CLK-4"], co.main, co.baker, date="2026-03-05")
    void_transaction(db.session, wrong.id, "Shipped to the wrong customer")
    create_serial_unit(db.session, item_id=co.clock, serial_number="OLD-1", location_id=co.main)
    create_serial_unit(db.session, item_id=co.clock, serial_number="SOLD-0", customer_id=co.acme)
    co.transfer, co.transfer_back = moved.id, back.id
    db.session.remove()
    return co


def check(runner, *args):
    result = runner.invoke(args=["check", "--quiet", *args])
    rules = {row[1:].split("]")[0] for row in result.output.splitlines() if row.startswith("[")}
    return result, rules


def unit_id(item_id, serial) -> int:
    return db.session.scalar(select(SerialUnit.id).where(SerialUnit.item_id == item_id,
                                                         SerialUnit.serial_key == serial_key(serial)))


def history_row(unit, **values) -> None:
    """A history row written past the engine (the table refuses changes, not new rows)."""
    last = db.session.execute(select(SerialHistory).where(SerialHistory.serial_unit_id == unit)
                              .order_by(SerialHistory.id.desc()).limit(1)).scalar_one()
    row = {"serial_unit_id": unit, "transaction_id": last.transaction_id, "transaction_type": last.transaction_type,
           "date": last.date, "status": last.status, "location_id": last.location_id,
           "customer_id": last.customer_id, **values}
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(insert(SerialHistory.__table__).values(**row))


def raw(statement) -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(statement)


def test_the_books_the_engine_keeps_pass(books, runner):
    result, rules = check(runner)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No problems found in 9 units, 3 items, 12 documents.")


def test_the_demo_company_passes(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result, _ = check(runner)
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.output


def test_an_empty_database_passes(app, runner):
    result, _ = check(runner)
    assert result.exit_code == 0 and "0 units" in result.output, result.output


def test_a_unit_at_a_location_while_shipped_is_named(books, runner, db_backend):
    """The database's own check constraint holds this; switched off here to see the command find it."""
    unit = unit_id(books.clock, "CLK-1")
    db.session.remove()
    constraint = "ck_serial_units_place_matches_status"
    if db_backend == "sqlite":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
            conn.execute(update(SerialUnit.__table__).where(SerialUnit.id == unit).values(location_id=books.main))
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
        result, rules = check(runner)
    else:
        definition = next(c for c in SerialUnit.__table__.constraints if c.name == "place_matches_status"
                          or c.name == constraint).sqltext
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"ALTER TABLE serial_units DROP CONSTRAINT {constraint}")
            conn.execute(update(SerialUnit.__table__).where(SerialUnit.id == unit).values(location_id=books.main))
        try:
            result, rules = check(runner)
        finally:
            db.session.remove()
            with db.engine.begin() as conn:
                conn.execute(update(SerialUnit.__table__).where(SerialUnit.id == unit).values(location_id=None))
                conn.execute(text(f"ALTER TABLE serial_units ADD CONSTRAINT {constraint} CHECK ({definition})"))
    assert result.exit_code == 1
    assert f"[place] Serial CLK-1 of {CLOCK}: its status is shipped but it is both at Main Warehouse and with " \
           "Baker & Sons Jewelers." in result.output


def test_a_quantity_on_hand_that_is_not_the_units_in_stock_is_named(books, runner):
    raw(update(Item).where(Item.id == books.clock).values(quantity_on_hand=Item.quantity_on_hand + 1))
    result, rules = check(runner)
    assert result.exit_code == 1
    assert f"[quantity] Item {CLOCK}: the quantity on hand is 6, but 5 of its units are in stock." in result.output
    assert rules == {"quantity", "cost layers"}


def test_a_stock_level_moved_to_another_location_is_named(books, runner):
    """The item's total still adds up: only the documents say which location is wrong."""
    raw(update(StockLevel).where(StockLevel.item_id == books.oil, StockLevel.location_id == books.main)
        .values(quantity=StockLevel.quantity - 1))
    raw(update(StockLevel).where(StockLevel.item_id == books.oil, StockLevel.location_id == books.showroom)
        .values(quantity=StockLevel.quantity + 1))
    result, rules = check(runner)
    assert result.exit_code == 1
    assert rules == {"stock level"}
    assert "[stock level] Item Clock Oil 10 ml at Main Warehouse: the stock level is 7, but the standing documents " \
           "put 8 there." in result.output
    assert "[stock level] Item Clock Oil 10 ml at Showroom: the stock level is 4" in result.output


def test_cost_layers_that_do_not_hold_the_quantity_on_hand_are_named(books, runner):
    layer = db.session.scalar(select(CostLayer.id).where(CostLayer.item_id == books.clock,
                                                         CostLayer.quantity_remaining > 0).order_by(CostLayer.id))
    raw(update(CostLayer).where(CostLayer.id == layer).values(quantity_remaining=CostLayer.quantity_remaining - 1))
    result, rules = check(runner)
    assert result.exit_code == 1 and rules == {"cost layers"}
    assert f"[cost layers] Item {CLOCK}: the quantity on hand is 5, but its open cost layers hold 4." in result.output


def test_a_value_the_documents_did_not_bring_is_named(books, runner):
    before = db.session.get(Item, books.clock).value
    raw(update(Item).where(Item.id == books.clock).values(value=before + 1))
    result, rules = check(runner)
    assert result.exit_code == 1 and rules == {"value"}
    assert f"[value] Item {CLOCK}: its value is {before + 1:,.4f}, but its standing documents and directly added " \
           f"units brought {before:,.4f}." in result.output


def test_a_unit_moved_without_a_document_is_named(books, runner):
    unit = unit_id(books.clock, "CLK-5")
    raw(update(SerialUnit.__table__).where(SerialUnit.id == unit).values(location_id=books.showroom))
    result, rules = check(runner)
    assert result.exit_code == 1 and rules == {"history"}
    assert f"[history] Serial CLK-5 of {CLOCK}: it is in stock at Showroom, but its history ends with it in stock " \
           "at Main Warehouse" in result.output


def test_a_unit_without_history_is_named(books, runner):
    raw(insert(SerialUnit.__table__).values(item_id=books.clock, serial_number="GHOST-1", serial_key="ghost-1",
                                            status="in_stock", location_id=books.main, unit_cost=0))
    result, rules = check(runner)
    assert result.exit_code == 1
    assert f"[history] Serial GHOST-1 of {CLOCK}: it is in stock at Main Warehouse but has no history at all." \
        in result.output


def test_a_move_from_a_place_the_unit_was_not_in_is_named(books, runner):
    """CLK-2 went to the Showroom by the first transfer; a second row of it says that transfer moved it again."""
    unit = unit_id(books.clock, "CLK-2")
    history_row(unit)
    result, rules = check(runner)
    assert result.exit_code == 1 and rules == {"history"}, result.output
    assert f"[history] Serial CLK-2 of {CLOCK}: TR-" in result.output
    assert "could not have happened: it moves the unit from a place it was not in (before it the unit was in stock)" \
        in result.output


def test_a_unit_shipped_twice_without_coming_back_is_named(books, runner):
    unit = unit_id(books.clock, "CLK-1")
    history_row(unit)
    result, rules = check(runner)
    assert result.exit_code == 1 and rules == {"shipped twice"}, result.output
    assert f"[shipped twice] Serial CLK-1 of {CLOCK}: SH-" in result.output
    assert "ships it while it was already shipped, without a return between." in result.output


def test_a_movement_dated_before_the_units_last_one_is_named(books, runner):
    """CLK-2 moved to the Showroom on February 1; a row moving it back, dated in January, is out of order."""
    from datetime import date

    unit = unit_id(books.clock, "CLK-2")
    history_row(unit, transaction_id=books.transfer_back, date=date(2026, 1, 20), location_id=books.main)
    raw(update(SerialUnit.__table__).where(SerialUnit.id == unit).values(location_id=books.main))
    result, rules = check(runner)
    assert result.exit_code == 1 and rules == {"history dates"}, result.output
    assert f"[history dates] Serial CLK-2 of {CLOCK}: TR-" in result.output
    assert "is dated 2026-01-20, before the unit's earlier movement of 2026-02-01." in result.output


def test_the_limit_caps_what_is_printed_and_says_so(books, runner):
    for serial in ("CLK-2", "CLK-5", "OLD-1"):
        raw(update(SerialUnit.__table__).where(SerialUnit.id == unit_id(books.clock, serial))
            .values(location_id=books.showroom if serial != "CLK-2" else books.main))
    result, rules = check(runner, "--limit", "2")
    assert result.exit_code == 1
    assert sum(row.startswith("[history]") for row in result.output.splitlines()) == 2
    assert "at most 2 of each kind shown; there are more" in result.output
