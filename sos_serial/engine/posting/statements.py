"""The statements a posting sends for its units: ids allocated as one run, moves, history rows and line links.

Set-based and, where the database allows, one statement per line: the work grows with the document, not
with round trips.
"""
from __future__ import annotations

import json

from sqlalchemy import func, insert, literal, select, text, update

from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.statements import one_of
from sos_serial.database.trigger_switch import INSERT, UPDATE, Write, has_rewrite_rules, keys_checked_once
from sos_serial.errors import Conflict
from sos_serial.models import SerialHistory, SerialUnit, TransactionLineSerial
from sos_serial.models.serial_unit import IN_STOCK

from .context import PostingContext


def allocate_unit_ids(ctx: PostingContext, count: int) -> list[int]:
    """Ids for new units, known before inserting so history and links are written in bulk."""
    if count == 0:
        return []
    if ctx.session.get_bind().dialect.name == "postgresql":
        return allocate_ids(ctx.session, SerialUnit.__table__, count)
    # SQLite: the posting holds the database's write lock, so nobody else takes ids meanwhile; the
    # highest id is asked once a posting, not once a line.
    if ctx.next_unit_id is None:
        ctx.next_unit_id = (ctx.session.scalar(select(func.max(SerialUnit.id))) or 0) + 1
    start, ctx.next_unit_id = ctx.next_unit_id, ctx.next_unit_id + count
    return list(range(start, start + count))


def allocate_ids(session, table, count: int) -> list[int]:
    """``count`` new ids of ``table``, taken before its rows are inserted (once a posting on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        # The posting holds SQLite's write lock: nobody else takes ids meanwhile.
        start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        return list(range(start, start + count))
    # Usually the sequence hands out one unbroken run: send back its ends, not every id.
    # The sequence is looked up once (OFFSET 0 keeps the planner from folding that subquery
    # into the rows): pg_get_serial_sequence on every row took seven times as long as nextval.
    first, last, scattered = session.execute(text(
        "WITH taken AS (SELECT nextval(s.seq) AS id FROM generate_series(1, :n), "
        "(SELECT pg_get_serial_sequence(:table, 'id')::regclass AS seq OFFSET 0) AS s) "
        "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
        "ELSE array_agg(id) END FROM taken"), {"n": count, "table": table.name}).one()
    return list(range(first, last + 1)) if scattered is None else sorted(scattered)


def set_units(ctx: PostingContext, unit_ids, expected=None, **values) -> None:
    if not unit_ids:
        return
    statement = unit_update(ctx, unit_ids, expected, values)
    with keys_checked_once(ctx.session, Write(SerialUnit.__table__, UPDATE, same=values)):
        result = ctx.session.execute(statement.execution_options(synchronize_session=False))
    check_moved(result.rowcount, unit_ids)


def unit_update(ctx: PostingContext, unit_ids, expected, values):
    """UPDATE of these units, only while they are still where ``expected`` says (status, place id)."""
    statement = update(SerialUnit).where(one_of(ctx.session, SerialUnit.id, unit_ids))
    if expected is not None:
        status, place_id = expected
        column = SerialUnit.location_id if status == IN_STOCK else SerialUnit.customer_id
        statement = statement.where(SerialUnit.status == status, column == place_id)
    return statement.values(**values, version=SerialUnit.version + 1, updated_at=func.now())


def check_moved(count: int, unit_ids) -> None:
    if count != len(unit_ids):
        # Only possible if the units changed after they were checked: refuse, never half-move.
        raise Conflict("Some of these serial units were moved by another transaction just now. "
                       "Reload and post again.")


def move(ctx: PostingContext, unit_ids, changes: dict, line_id: int, document_id: int, target: dict,
         replaced: dict | None = None) -> None:
    """Take units from where the document takes them, with their history rows and line links.

    ``replaced`` holds, per unit id, the values of cost or warranty this move replaces, as
    ``{column: [old, new]}``: kept in the unit's history row, so a void can put them back."""
    if not unit_ids:
        return
    links, history = TransactionLineSerial.__table__, SerialHistory.__table__
    if replaced or ctx.session.get_bind().dialect.name != "postgresql" or \
            has_rewrite_rules(ctx.session, (SerialUnit.__table__, links, history)):
        set_units(ctx, unit_ids, expected=ctx.source[:2], **changes)
        record(ctx, unit_ids, line_id, document_id, target, replaced)
        return
    # One statement: the moved units feed their line links and history on the server
    # (WITH … UPDATE … RETURNING), instead of coming back to be sent out again twice.
    moved = unit_update(ctx, unit_ids, ctx.source[:2], changes).returning(SerialUnit.id).cte("moved")
    linked = insert(links).from_select(["line_id", "serial_unit_id"],
                                       select(bound(links.c.line_id, line_id), moved.c.id),
                                       include_defaults=False).cte("linked")
    shared = history_values(ctx, document_id, target)
    recorded = insert(history).from_select(
        ["serial_unit_id", *shared],
        select(moved.c.id, *(bound(history.c[name], value) for name, value in shared.items()))
        .order_by(moved.c.id),  # history ids follow unit ids, as _record writes them
        include_defaults=False).cte("recorded")  # recorded_at: the server's clock, as COPY leaves it
    unit = ("serial_unit_id",)
    with keys_checked_once(ctx.session, Write(SerialUnit.__table__, UPDATE, same=changes),
                           Write(links, INSERT, columns=unit, same={"line_id": line_id}, held=unit),
                           Write(history, INSERT, columns=unit, same=shared, held=unit)):
        count = ctx.session.scalar(select(func.count()).select_from(moved).add_cte(linked).add_cte(recorded))
    check_moved(count, unit_ids)


def history_values(ctx: PostingContext, document_id: int, target: dict) -> dict:
    """What every history row of a line says besides the unit: the document, and where the units now are."""
    req = ctx.req
    return {"transaction_id": document_id, "transaction_type": req.type, "date": req.date,
            "status": target["status"], "location_id": target["location_id"],
            "customer_id": target["customer_id"], "user_id": ctx.user_id}


def record(ctx: PostingContext, unit_ids, line_id, document_id, target: dict, replaced: dict | None = None) -> None:
    """History and line links for units this posting has just inserted or moved (so holds).

    ``replaced``: per unit id, the ``{column: [old, new]}`` its history row keeps (see ``move``)."""
    unit_ids = sorted(unit_ids)  # one order for history on both databases: by unit
    link(ctx, unit_ids, line_id, held=("serial_unit_id",))
    if replaced:
        bulk_insert(ctx.session, SerialHistory.__table__, ["serial_unit_id", "changes"],
                    [(unit_id, json.dumps(replaced[unit_id]) if replaced.get(unit_id) else None)
                     for unit_id in unit_ids],
                    held=("serial_unit_id",), same=history_values(ctx, document_id, target))
        return
    bulk_insert(ctx.session, SerialHistory.__table__, ["serial_unit_id"], [(unit_id,) for unit_id in unit_ids],
                held=("serial_unit_id",), same=history_values(ctx, document_id, target))


def link(ctx: PostingContext, unit_ids, line_id, held=()) -> None:
    bulk_insert(ctx.session, TransactionLineSerial.__table__, ["serial_unit_id"],
                [(unit_id,) for unit_id in unit_ids], same={"line_id": line_id}, held=held)


def bound(column, value):
    """``value`` as a bound parameter of ``column``'s type, for a SELECT list that feeds an INSERT."""
    return literal(value, type_=column.type)
