"""Documents of many lines: their lines share statements, and write exactly what the same lines posted one by one do."""
import json
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

import sos_serial.engine.posting.writes as writes
from sos_serial.extensions import db
from sos_serial.models import (
    CostLayer,
    Item,
    SerialHistory,
    SerialUnit,
    StockLevel,
    Transaction,
    TransactionLine,
    TransactionLineSerial,
)
from tests.support.statements import statements_sent
from tests.support.world import line, post


def make_items(co, tag: str, gtin: str | None = None) -> list[int]:
    """Six tracked items (two warranties, and none; the fifth with ``gtin``) and four plain ones, named after ``tag``."""
    warranties = [co.one_year, co.one_month, None]
    items = [Item(name=f"{tag} Clock {n}", track_serials=True, cost=Decimal("20.00") + n,
                  warranty_id=warranties[n % 3], gtin=gtin if n == 4 else None) for n in range(6)]
    items += [Item(name=f"{tag} Oil {n}", cost=Decimal("1.25") * (n + 1)) for n in range(4)]
    db.session.add_all(items)
    db.session.commit()
    return [item.id for item in items]


def mixed_lines(items: list[int], gtin: str = "") -> list[dict]:
    """Forty lines: tracked lines of one to three new serials (one of them a GS1 scan), plain lines between."""
    tracked, plain = items[:6], items[6:]
    lines = []
    for n in range(40):
        if n % 2:
            lines.append(line(plain[n % 4], 1 + n % 3, unit_cost=f"{2 + n % 5}.10"))
            continue
        count = 1 + n % 3
        serials = [f"ML-{n:02d}-{k}" for k in range(count)]
        if n == 10:
            serials[0] = f"(01){gtin}(21)ML-SCAN(10)LOT7(17)271231"  # lot and expiry kept on the unit
        cost = {"unit_cost": "12.40"} if n % 4 else {}  # the item's own cost otherwise
        lines.append(line(tracked[n % 6], count, serials=serials, **cost))
    return lines


def written(co, items: list[int]) -> dict:
    """What postings wrote for these items, told apart from ids and document numbers."""
    session = db.session
    session.expire_all()
    position = {item_id: n for n, item_id in enumerate(items)}
    units = session.execute(select(SerialUnit).where(SerialUnit.item_id.in_(items))).scalars().all()
    serial_of = {u.id: u.serial_number for u in units}
    line_rows = session.execute(select(TransactionLine.id, TransactionLine.item_id, TransactionLine.quantity,
                                       TransactionLine.cost).where(TransactionLine.item_id.in_(items))).all()
    line_of = {row.id: (position[row.item_id], row.quantity) for row in line_rows}
    return {
        "units": sorted((position[u.item_id], u.serial_number, u.serial_key, u.status, u.location_id, u.customer_id,
                         u.unit_cost, u.warranty_id, u.lot, u.expiry_date) for u in units),
        "history": sorted((serial_of[h.serial_unit_id], h.transaction_type, h.status, h.location_id, h.customer_id,
                           json.dumps(h.changes, sort_keys=True), h.user_id)
                          for h in session.scalars(select(SerialHistory).where(
                              SerialHistory.serial_unit_id.in_(serial_of)))),
        "links": sorted((line_of[link.line_id], serial_of[link.serial_unit_id])
                        for link in session.scalars(select(TransactionLineSerial).where(
                            TransactionLineSerial.serial_unit_id.in_(serial_of)))),
        "lines": sorted((position[row.item_id], row.quantity, row.cost) for row in line_rows),
        "stock": sorted((position[s.item_id], s.location_id, s.quantity)
                        for s in session.scalars(select(StockLevel).where(StockLevel.item_id.in_(items)))),
        "figures": [(i.quantity_on_hand, i.value) for i in (session.get(Item, item_id) for item_id in items)],
        # Per item, in the order FIFO takes them.
        "layers": [[(layer.quantity, layer.quantity_remaining, layer.unit_cost)
                    for layer in session.scalars(select(CostLayer).where(CostLayer.item_id == item_id)
                                                 .order_by(CostLayer.id))] for item_id in items],
    }


def test_a_many_line_document_writes_what_its_lines_write_one_document_each(co, monkeypatch):
    # A line of three serials counts as large here, so large and small lines meet in one document.
    monkeypatch.setattr(writes, "SERIALS_OF_A_SMALL_LINE", 2)
    together, apart = make_items(co, "Together", "09506000134352"), make_items(co, "Apart", "09506000134369")
    lines = mixed_lines(together, "09506000134352")
    assert len(lines) > writes.LINES_WRITTEN_ONE_BY_ONE
    document = post(user=co.user, type="item_receipt", location_id=co.main, vendor_id=co.vendor, lines=lines)
    for each in mixed_lines(apart, "09506000134369"):
        post(user=co.user, type="item_receipt", location_id=co.main, vendor_id=co.vendor, lines=[each])
    assert written(co, together) == written(co, apart)
    result = written(co, together)
    assert len(result["units"]) == sum(len(li.get("serials", ())) for li in lines) == 40
    assert len(result["history"]) == len(result["links"]) == 40
    assert ("ML-SCAN", "LOT7") in {(u[1], u[8]) for u in result["units"]}
    # The document knows its lines, in order, with their costs.
    assert [li.line_no for li in document.lines] == list(range(1, 41))
    assert db.session.scalar(select(Transaction.id).where(Transaction.number == document.number)) == document.id


def test_units_received_again_in_a_many_line_document_continue_their_history(co):
    items = make_items(co, "Again")
    tracked, plain = items[:6], items[6:]
    first = [line(tracked[n % 6], 1, serials=[f"RA-{n}"]) for n in range(12)]
    post(type="item_receipt", location_id=co.main, lines=first)
    post(type="shipment", location_id=co.main, customer_id=co.acme, lines=first[:6])
    # Twenty lines: six units come back, six are new, the rest plain.
    again = [line(tracked[n % 6], 1, serials=[f"RA-{n}"]) for n in range(6)]
    again += [line(tracked[n % 6], 1, serials=[f"RB-{n}"]) for n in range(6)]
    again += [line(plain[n % 4], 2) for n in range(8)]
    post(type="item_receipt", location_id=co.main, lines=again, memo="back")
    units = {u.serial_number: u for u in db.session.scalars(select(SerialUnit).where(SerialUnit.item_id.in_(tracked)))}
    assert len(units) == 18 and {u.status for u in units.values()} == {"in_stock"}
    came_back = db.session.scalars(select(SerialHistory.transaction_type).where(
        SerialHistory.serial_unit_id == units["RA-0"].id).order_by(SerialHistory.id)).all()
    assert came_back == ["item_receipt", "shipment", "item_receipt"]
    assert [(i.quantity_on_hand) for i in map(lambda i: db.session.get(Item, i), tracked)] == [3] * 6


def statements_receiving(co, items: list[int], lines: int, tag: str) -> list[str]:
    """The SQL statements a receipt of ``lines`` mixed lines sends through SQLAlchemy (the start of each).

    The bulk inserts of units, history, links and layers go to the driver's cursor directly (COPY on
    PostgreSQL): one a table a document, which the rows the other tests compare show."""
    tracked, plain = items[:6], items[6:]
    body = [line(tracked[n % 6], 1, serials=[f"{tag}-{n}"]) if n % 2 else line(plain[n % 4], 1 + n % 3)
            for n in range(lines)]
    with statements_sent() as sent:
        post(type="item_receipt", location_id=co.main, lines=body)
    return [statement[:80] for statement in sent]


@pytest.mark.parametrize("small, large", [(100, 1_000)])
def test_the_statements_a_posting_sends_do_not_grow_with_its_lines(co, small, large):
    items = make_items(co, "Counted")
    fewer = statements_receiving(co, items, small, "S")
    more = statements_receiving(co, items, large, "L")
    # The same statements for ten times the lines, give or take a few (a pool's reset, a chunked list).
    assert fewer
    assert abs(len(more) - len(fewer)) <= 5, Counter(more).most_common(5)
