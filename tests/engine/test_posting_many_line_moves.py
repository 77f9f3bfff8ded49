"""Documents of many lines that move units already in the books: shipments, returns, transfers, adjustments out and
pick tickets write exactly what the same lines posted one document each write, in statements that do not grow with
their lines."""
from collections import Counter
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import event, select

from sos_serial.engine.posting import writes
from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit, TransactionLineSerial
from sos_serial.plugins import EXTENSION_KEY
from tests.database.test_bulk_writes import RecordingRules
from tests.engine.test_posting_document_lines import written
from tests.support.statements import statements_sent
from tests.support.world import line, post

TRACKED, PLAIN = 12, 6


def make_items(co, tag: str) -> list[int]:
    """Twelve tracked items (a year's warranty, a month's, none, in turn) and six plain ones, named after ``tag``."""
    warranties = [co.one_year, co.one_month, None]
    items = [Item(name=f"{tag} Clock {n}", track_serials=True, cost=Decimal("20.00") + n,
                  warranty_id=warranties[n % 3]) for n in range(TRACKED)]
    items += [Item(name=f"{tag} Oil {n}", cost=Decimal("1.25") * (n + 1)) for n in range(PLAIN)]
    db.session.add_all(items)
    db.session.commit()
    return [item.id for item in items]


def serials(n: int, *units: int) -> list[str]:
    return [f"MV-{n:02d}-{k}" for k in units]


def stock_up(co, items: list[int]) -> None:
    """Two receipts: six units of each tracked item and ten of each plain item, at two costs (FIFO has two layers)."""
    tracked, plain = items[:TRACKED], items[TRACKED:]
    for first, cost in ((0, "10.00"), (3, "14.50")):
        post(type="item_receipt", date="2026-01-02", location_id=co.main, lines=[
            *(line(item_id, 3, serials=serials(n, first, first + 1, first + 2), unit_cost=cost)
              for n, item_id in enumerate(tracked)),
            *(line(item_id, 5, unit_cost=cost) for item_id in plain)])


def documents(co, items: list[int]) -> list[dict]:
    """Six documents of 18 to 30 lines each; each plain item appears on two lines of a document."""
    tracked, plain = items[:TRACKED], items[TRACKED:]
    plain_twice = [line(item_id, 1 + n % 2) for item_id in plain for n in range(2)]
    return [
        # Unit 0 of each item goes to Acme, and comes back (at a new cost on every other line).
        {"type": "shipment", "date": "2026-01-05", "location_id": co.main, "customer_id": co.acme,
         "lines": [line(item_id, 1, serials=serials(n, 0)) for n, item_id in enumerate(tracked)] + plain_twice},
        {"type": "return", "date": "2026-02-01", "location_id": co.main, "customer_id": co.acme,
         "lines": [line(item_id, 1, serials=serials(n, 0), **({"unit_cost": "9.75"} if n % 2 else {}))
                   for n, item_id in enumerate(tracked)] + [line(item_id, 1) for item_id in plain]},
        # Acme's sale still covers unit 0, shipped again to Acme; unit 1 starts its warranty now.
        {"type": "shipment", "date": "2026-03-01", "location_id": co.main, "customer_id": co.acme,
         "lines": [line(item_id, 2, serials=serials(n, 0, 1)) for n, item_id in enumerate(tracked)] + plain_twice},
        {"type": "transfer", "date": "2026-03-02", "location_id": co.main, "to_location_id": co.showroom,
         "lines": [line(item_id, 1, serials=serials(n, 2)) for n, item_id in enumerate(tracked)] + plain_twice},
        {"type": "adjustment", "date": "2026-03-03", "location_id": co.main,
         "lines": [line(item_id, -1, serials=serials(n, 3)) for n, item_id in enumerate(tracked)]
         + [line(item_id, -1) for item_id in plain]},
        {"type": "pick_ticket", "date": "2026-03-04", "location_id": co.main, "customer_id": co.baker,
         "lines": [line(item_id, 1, serials=serials(n, 4)) for n, item_id in enumerate(tracked)]
         + [line(item_id, 1) for item_id in plain]},
    ]


def warranties(items: list[int]) -> list[tuple]:
    db.session.expire_all()
    position = {item_id: n for n, item_id in enumerate(items)}
    return sorted((position[u.item_id], u.serial_number, u.warranty_start, u.warranty_end)
                  for u in db.session.scalars(select(SerialUnit).where(SerialUnit.item_id.in_(items))))


def test_many_line_documents_move_units_as_their_lines_posted_one_document_each_do(co):
    together, apart = make_items(co, "Together"), make_items(co, "Apart")
    stock_up(co, together)
    stock_up(co, apart)
    for document in documents(co, together):
        assert len(document["lines"]) > writes.LINES_WRITTEN_ONE_BY_ONE
        post(user=co.user, **document)
    for document in documents(co, apart):
        for each in document["lines"]:
            post(user=co.user, **{**document, "lines": [each]})
    assert written(co, together) == written(co, apart)
    assert warranties(together) == warranties(apart)
    # What the documents did, told on the units themselves.
    units = {(u.item_id, u.serial_number): u for u in db.session.scalars(
        select(SerialUnit).where(SerialUnit.item_id.in_(together)))}
    year_clock = together[0]
    assert units[year_clock, "MV-00-0"].warranty_start == date(2026, 1, 5)  # coverage kept
    assert units[year_clock, "MV-00-1"].warranty_start == date(2026, 3, 1)  # coverage started
    assert units[year_clock, "MV-00-2"].location_id == co.showroom
    assert units[year_clock, "MV-00-3"].status == "adjusted_out"
    assert units[together[1], "MV-01-0"].unit_cost == Decimal("9.75")  # the return's cost replaced the unit's
    listed = db.session.scalars(select(TransactionLineSerial.serial_unit_id).where(
        TransactionLineSerial.serial_unit_id == units[year_clock, "MV-00-4"].id)).all()
    assert len(listed) == 2 and units[year_clock, "MV-00-4"].status == "in_stock"  # received, then picked


@contextmanager
def meanwhile(before: str, *changes: str):
    """Another clerk's ``changes`` (SQL), made just before the posting's first statement starting ``before``.

    Yields the list of statements they preceded: one, once they have been made."""
    made = []

    def change_first(connection, _cursor, statement, *_):
        if not made and statement.startswith(before):
            made.append(statement)
            for change in changes:
                connection.exec_driver_sql(change)

    event.listen(db.engine, "before_cursor_execute", change_first)
    try:
        yield made
    finally:
        event.remove(db.engine, "before_cursor_execute", change_first)


def test_a_many_line_shipment_of_a_unit_moved_meanwhile_saves_nothing(co):
    items = make_items(co, "Raced")
    stock_up(co, items)
    shipment = documents(co, items)[0]
    before = written(co, items)
    # Another clerk's transfer takes a unit between the shipment's checks and its writes.
    with meanwhile("UPDATE serial_units",
                   f"UPDATE serial_units SET location_id = {co.showroom} WHERE serial_number = 'MV-05-0'") as moved, \
            pytest.raises(SerialInventoryError, match="moved by another transaction"):
        post(**shipment)
    assert moved
    db.session.rollback()
    assert written(co, items) == before


def test_a_many_line_shipment_of_plain_stock_taken_meanwhile_names_the_item_and_saves_nothing(co):
    items = make_items(co, "Short")
    stock_up(co, items)
    shipment = documents(co, items)[0]
    before = written(co, items)
    first, oil = db.session.get(Item, items[TRACKED]), db.session.get(Item, items[TRACKED + 2])
    # After this shipment's checks, other clerks leave one of the oil's ten at the warehouse, and exactly the
    # three this shipment takes of the first plain item (enough: it must not be the one named).
    with meanwhile("UPDATE stock_levels", f"UPDATE stock_levels SET quantity = 1 WHERE item_id = {oil.id}",
                   f"UPDATE stock_levels SET quantity = 3 WHERE item_id = {first.id}") as taken, \
            pytest.raises(SerialInventoryError, match=f"{oil.name}: not enough on hand at Main Warehouse"):
        post(**shipment)
    assert taken
    db.session.rollback()
    assert written(co, items) == before


def test_an_integrators_rule_sees_what_a_many_line_shipment_updates(co):
    items = make_items(co, "Seen")
    stock_up(co, items)
    rules, manager = RecordingRules(), current_app.extensions[EXTENSION_KEY]
    manager.register(rules)
    try:
        post(**documents(co, items)[0])
    finally:
        manager.unregister(rules)
    updated = {(table, columns) for table, kind, posting, columns in rules.seen if kind == "update" and posting}
    assert ("cost_layers", ("quantity_remaining",)) in updated
    assert ("stock_levels", ("quantity",)) in updated
    assert ("transaction_lines", ("cost",)) in updated
    assert any(table == "serial_units" and {"status", "location_id", "customer_id"} <= set(columns)
               for table, columns in updated)


def statements_shipping(co, items: list[int], lines: int) -> list[str]:
    """The SQL statements a shipment of ``lines`` one-serial lines sends through SQLAlchemy (the start of each)."""
    tracked = items[:TRACKED]
    received = [line(tracked[n % TRACKED], 1, serials=[f"SH{lines}-{n}"]) for n in range(lines)]
    post(type="item_receipt", location_id=co.main, lines=received)
    with statements_sent() as sent:
        post(type="shipment", location_id=co.main, customer_id=co.acme, lines=received)
    return [statement[:80] for statement in sent]


def test_the_statements_a_shipment_sends_do_not_grow_with_its_lines(co):
    items = make_items(co, "Counted")
    fewer = statements_shipping(co, items, 40)
    more = statements_shipping(co, items, 400)
    assert fewer
    # Ten times the lines, the same statements, give or take a few (a pool's reset, a chunked list).
    assert abs(len(more) - len(fewer)) <= 5, Counter(more).most_common(5)
