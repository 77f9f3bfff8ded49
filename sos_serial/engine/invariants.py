"""The books' invariants over the whole database: each a set-based query returning the records that break it.

``find_problems(session)`` answers with every finding, each naming its record (a unit by serial and
item, an item and location, a document by number), and the counts it looked at. It writes nothing.
Each check is one or two statements (GROUP BY and window functions), so the work grows with the
rows, not with round trips, on SQLite and PostgreSQL alike.

What a posting keeps, and so what is checked:
- a unit is in the one place its status says (a location when in stock, a customer when shipped or
  rented, nowhere when used or adjusted out);
- an item's quantity on hand equals its units in stock (serial items) or its stock levels (plain
  items); each plain stock level equals what the standing documents put at that location and took
  from it; the open cost layers hold exactly the quantity on hand;
- an item's value equals the value its standing documents' lines moved (a line's ``cost``, in or
  out by its kind) plus the units added directly (cost layers of no line). That holds whatever the
  valuation settings were at each posting, so a change of those settings is no finding;
- each unit's history replays: every movement starts from where the unit was (the document's
  location or customer, at the status its kind takes) and ends where the document says; the last
  row is where the unit is now; no unit is shipped twice without coming back; a document's
  movement is never dated before the unit's earlier movements.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, and_, case, false, func, literal, null, or_, select, true, type_coerce, union_all
from sqlalchemy.orm import aliased

from sos_serial.models import (
    CostLayer,
    Customer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    StockLevel,
    Transaction,
    TransactionLine,
)
from sos_serial.models.document_kind import (
    ALWAYS,
    CUSTOMER,
    KINDS,
    LOCATION,
    NEVER,
    OUTPUT,
    OUTPUT_LINES,
    POSITIVE_QUANTITY,
    TO_LOCATION,
)
from sos_serial.models.serial_history import CREATED, EDIT, RENUMBER, VOID
from sos_serial.models.serial_unit import ADJUSTED_OUT, IN_STOCK, RENTED, SHIPPED, STATUS_LABELS, USED
from sos_serial.models.transaction import POSTED, VOIDED
from sos_serial.money import SCALE

# Statuses a unit may be received again from, as the same unit (DESIGN.md, rule 2).
LEFT_STOCK = (SHIPPED, ADJUSTED_OUT, USED)
# History rows that move nothing: the unit stays where the row before left it.
KEEPS_PLACE = (EDIT, RENUMBER)
# Rows a later document's date is not compared with (hooks/movement_order.py): a correction, a unit added directly.
NOT_MOVEMENTS = (EDIT, CREATED, RENUMBER)
MOVING_KINDS = tuple(kind for kind in KINDS if kind.moves_stock)


@dataclass(frozen=True)
class Finding:
    """One broken invariant: which rule, the record named as a clerk would look it up, and what is wrong."""
    rule: str
    record: str
    problem: str

    def __str__(self) -> str:
        return f"{self.record}: {self.problem}"


@dataclass
class Report:
    """What a check found, and how much it looked at."""
    units: int = 0
    items: int = 0
    documents: int = 0
    findings: list[Finding] = field(default_factory=list)
    # A check stopped at the limit: more of its kind may exist.
    cut_short: bool = False

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class Check:
    rule: str
    label: str  # for progress: what is being checked now
    run: Callable  # (session, limit or None) -> list[Finding]


# ---------------------------------------------------------------------------- names of records
def _unit_name(serial, item) -> str:
    return f"Serial {serial} of {item}"


def _place_name(status, location, customer) -> str:
    where = location or customer
    label = STATUS_LABELS.get(status, status)
    return f"{label.lower()} at {where}" if where else label.lower()


def _money(raw) -> str:
    """Stored ten-thousandths as an amount."""
    return f"{(raw or 0) / 10**SCALE:,.4f}"


def _raw(column):
    """A money column as its stored whole ten-thousandths, so sums compare exactly."""
    return type_coerce(column, BigInteger)


# ---------------------------------------------------------------------------- a unit in one place
def units_out_of_place(session, limit: int | None) -> list[Finding]:
    u = SerialUnit.__table__
    in_one_place = or_(
        and_(u.c.status == IN_STOCK, u.c.location_id.is_not(None), u.c.customer_id.is_(None)),
        and_(u.c.status.in_((SHIPPED, RENTED)), u.c.customer_id.is_not(None), u.c.location_id.is_(None)),
        and_(u.c.status.in_((USED, ADJUSTED_OUT)), u.c.location_id.is_(None), u.c.customer_id.is_(None)),
    )
    rows = session.execute(
        select(u.c.serial_number, Item.name, u.c.status, Location.name, Customer.name)
        .join(Item, Item.id == u.c.item_id)
        .outerjoin(Location, Location.id == u.c.location_id).outerjoin(Customer, Customer.id == u.c.customer_id)
        .where(~in_one_place).order_by(u.c.id).limit(limit)).all()
    findings = []
    for serial, item, status, location, customer in rows:
        if location and customer:
            where = f"both at {location} and with {customer}"
        elif location or customer:
            where = f"at {location or customer}"
        else:
            where = "at no location and with no customer"
        findings.append(Finding("place", _unit_name(serial, item),
                                f"its status is {STATUS_LABELS.get(status, status).lower()} but it is {where}."))
    return findings


# ---------------------------------------------------------------------------- quantities and value
def _in_stock_counts():
    return (select(SerialUnit.item_id, func.count().label("units")).where(SerialUnit.status == IN_STOCK)
            .group_by(SerialUnit.item_id).subquery())


def _level_sums():
    return (select(StockLevel.item_id, func.sum(StockLevel.quantity).label("pieces"))
            .group_by(StockLevel.item_id).subquery())


def quantities_off(session, limit: int | None) -> list[Finding]:
    units, levels = _in_stock_counts(), _level_sums()
    counted = func.coalesce(units.c.units, 0)
    pieces = func.coalesce(levels.c.pieces, 0)
    rows = session.execute(
        select(Item.name, Item.track_serials, Item.quantity_on_hand, counted, pieces)
        .outerjoin(units, units.c.item_id == Item.id).outerjoin(levels, levels.c.item_id == Item.id)
        .where(or_(and_(Item.track_serials, or_(Item.quantity_on_hand != counted, pieces != 0)),
                   and_(~Item.track_serials, or_(Item.quantity_on_hand != pieces, counted != 0))))
        .order_by(Item.id).limit(limit)).all()
    findings = []
    for name, tracked, on_hand, counted_units, counted_pieces in rows:
        if tracked:
            problem = f"the quantity on hand is {on_hand}, but {counted_units} of its units are in stock"
            if counted_pieces:
                problem += f", and it has {counted_pieces} pieces in stock levels, which a serial item never has"
        else:
            problem = f"the quantity on hand is {on_hand}, but its stock levels add up to {counted_pieces}"
            if counted_units:
                problem += f", and {counted_units} serial units of it are in stock, which a plain item never has"
        findings.append(Finding("quantity", f"Item {name}", problem + "."))
    return findings


def _line_effect(t, line):
    """+1 a line of a standing document added to stock, -1 took from it, 0 neither (kinds are data)."""
    whens = []
    for kind in MOVING_KINDS:
        if kind.new_serials == POSITIVE_QUANTITY:
            effect = case((line.c.quantity > 0, 1), else_=-1)
        elif kind.new_serials == OUTPUT_LINES:
            effect = case((line.c.role == OUTPUT, 1), else_=-1)
        else:
            effect = literal(kind.stock_effect)
        whens.append((t.c.type == kind.code, effect))
    return case(*whens, else_=0)


def _moved_to(t):
    """For kinds that move stock from one location to another: the column naming where it goes."""
    columns = {LOCATION: t.c.location_id, TO_LOCATION: t.c.to_location_id}
    whens = [(t.c.type == kind.code, columns[kind.puts_at]) for kind in MOVING_KINDS
             if kind.new_serials == NEVER and kind.stock_effect == 0 and kind.puts_at in columns]
    return case(*whens, else_=null()) if whens else null()


def stock_levels_off(session, limit: int | None) -> list[Finding]:
    """Each plain item's stock level per location against what the standing documents put there and took."""
    t, line = Transaction.__table__, TransactionLine.__table__
    effect = _line_effect(t, line)
    pieces = func.abs(line.c.quantity)
    standing = and_(t.c.status == POSTED, Item.track_serials.is_(False))
    # At the document's location: what it added or took; a move within stock takes from there ...
    here = (select(line.c.item_id, t.c.location_id.label("location_id"),
                   case((effect == 0, -pieces), else_=effect * pieces).label("pieces"))
            .select_from(line).join(t, t.c.id == line.c.transaction_id).join(Item, Item.id == line.c.item_id)
            .where(standing, t.c.type.in_([kind.code for kind in MOVING_KINDS])))
    # ... and puts it where its kind says.
    there = (select(line.c.item_id, _moved_to(t).label("location_id"), pieces.label("pieces"))
             .select_from(line).join(t, t.c.id == line.c.transaction_id).join(Item, Item.id == line.c.item_id)
             .where(standing, _moved_to(t).is_not(None)))
    moves = union_all(here, there).subquery()
    ledger = (select(moves.c.item_id, moves.c.location_id, func.sum(moves.c.pieces).label("pieces"))
              .group_by(moves.c.item_id, moves.c.location_id).subquery())
    levels = StockLevel.__table__
    # Both sides of the comparison, each (item, location) once: a level without documents, documents without a level.
    keys = union_all(select(levels.c.item_id, levels.c.location_id),
                     select(ledger.c.item_id, ledger.c.location_id)).subquery()
    pairs = select(keys.c.item_id, keys.c.location_id).distinct().subquery()
    kept = func.coalesce(levels.c.quantity, 0)
    moved = func.coalesce(ledger.c.pieces, 0)
    rows = session.execute(
        select(Item.name, Location.name, kept, moved)
        .select_from(pairs)
        .join(Item, Item.id == pairs.c.item_id).join(Location, Location.id == pairs.c.location_id)
        .outerjoin(levels, and_(levels.c.item_id == pairs.c.item_id, levels.c.location_id == pairs.c.location_id))
        .outerjoin(ledger, and_(ledger.c.item_id == pairs.c.item_id, ledger.c.location_id == pairs.c.location_id))
        .where(Item.track_serials.is_(False), kept != moved)
        .order_by(Item.id, Location.id).limit(limit)).all()
    return [Finding("stock level", f"Item {item} at {location}",
                    f"the stock level is {quantity}, but the standing documents put {net} there.")
            for item, location, quantity, net in rows]


def layers_off(session, limit: int | None) -> list[Finding]:
    layers = (select(CostLayer.item_id, func.sum(CostLayer.quantity_remaining).label("remaining"))
              .group_by(CostLayer.item_id).subquery())
    remaining = func.coalesce(layers.c.remaining, 0)
    rows = session.execute(
        select(Item.name, Item.quantity_on_hand, remaining).outerjoin(layers, layers.c.item_id == Item.id)
        .where(Item.quantity_on_hand != remaining).order_by(Item.id).limit(limit)).all()
    return [Finding("cost layers", f"Item {name}",
                    f"the quantity on hand is {on_hand}, but its open cost layers hold {held}.")
            for name, on_hand, held in rows]


def value_off(session, limit: int | None) -> list[Finding]:
    t, line = Transaction.__table__, TransactionLine.__table__
    moved = (select(line.c.item_id, func.sum(_line_effect(t, line) * _raw(line.c.cost)).label("value"))
             .select_from(line).join(t, t.c.id == line.c.transaction_id).where(t.c.status == POSTED)
             .group_by(line.c.item_id).subquery())
    added = (select(CostLayer.item_id, func.sum(CostLayer.quantity * _raw(CostLayer.unit_cost)).label("value"))
             .where(CostLayer.line_id.is_(None)).group_by(CostLayer.item_id).subquery())
    expected = func.coalesce(moved.c.value, 0) + func.coalesce(added.c.value, 0)
    rows = session.execute(
        select(Item.name, _raw(Item.value), expected)
        .outerjoin(moved, moved.c.item_id == Item.id).outerjoin(added, added.c.item_id == Item.id)
        .where(_raw(Item.value) != expected).order_by(Item.id).limit(limit)).all()
    return [Finding("value", f"Item {name}",
                    f"its value is {_money(value)}, but its standing documents and directly added units "
                    f"brought {_money(brought)}.")
            for name, value, brought in rows]


# ---------------------------------------------------------------------------- history
def history_not_current(session, limit: int | None) -> list[Finding]:
    """The last history row of each unit says where the unit is; a unit without history has no story."""
    last = (select(SerialHistory.serial_unit_id, func.max(SerialHistory.id).label("id"))
            .group_by(SerialHistory.serial_unit_id).subquery())
    h, u = aliased(SerialHistory), SerialUnit.__table__
    at = aliased(Location)
    with_customer = aliased(Customer)
    same = and_(h.status == u.c.status, h.location_id.is_not_distinct_from(u.c.location_id),
                h.customer_id.is_not_distinct_from(u.c.customer_id))
    rows = session.execute(
        select(u.c.serial_number, Item.name, u.c.status, Location.name, Customer.name, h.id,
               h.status, at.name, with_customer.name)
        .select_from(u).join(Item, Item.id == u.c.item_id)
        .outerjoin(last, last.c.serial_unit_id == u.c.id).outerjoin(h, h.id == last.c.id)
        .outerjoin(Location, Location.id == u.c.location_id).outerjoin(Customer, Customer.id == u.c.customer_id)
        .outerjoin(at, at.id == h.location_id).outerjoin(with_customer, with_customer.id == h.customer_id)
        .where(or_(h.id.is_(None), ~same)).order_by(u.c.id).limit(limit)).all()
    findings = []
    for serial, item, status, location, customer, history_id, was, was_at, was_with in rows:
        now = _place_name(status, location, customer)
        if history_id is None:
            problem = f"it is {now} but has no history at all."
        else:
            problem = (f"it is {now}, but its history ends with it {_place_name(was, was_at, was_with)} "
                       f"(history row {history_id}).")
        findings.append(Finding("history", _unit_name(serial, item), problem))
    return findings


def _kind_expectations(t, lagged):
    """Per moving kind: (the row takes the unit from where it was: condition, the place after is right: condition).

    A row receiving a new serial (a receipt, a positive adjustment, a build's output) may follow nothing or
    a status that left stock; any other row must follow the unit at the status and place its kind takes from."""
    party = {LOCATION: t.c.location_id, TO_LOCATION: t.c.to_location_id, CUSTOMER: t.c.customer_id}
    rows = []
    for kind in MOVING_KINDS:
        if kind.new_serials == ALWAYS:
            receives = true()
        elif kind.new_serials in (POSITIVE_QUANTITY, OUTPUT_LINES):
            receives = lagged.c.status == IN_STOCK
        else:
            receives = false()
        received_right = and_(or_(lagged.c.prev_status.is_(None), lagged.c.prev_status.in_(LEFT_STOCK)),
                              lagged.c.status == IN_STOCK, lagged.c.location_id == t.c.location_id,
                              lagged.c.customer_id.is_(None))
        source = lagged.c.prev_location if kind.takes_from != CUSTOMER else lagged.c.prev_customer
        if kind.puts_at is None:
            after = and_(lagged.c.location_id.is_(None), lagged.c.customer_id.is_(None))
        elif kind.puts_at == CUSTOMER:
            after = and_(lagged.c.customer_id == party[CUSTOMER], lagged.c.location_id.is_(None))
        else:
            after = and_(lagged.c.location_id == party[kind.puts_at], lagged.c.customer_id.is_(None))
        taken_right = and_(lagged.c.prev_status == kind.takes_status, source == party[kind.takes_from],
                           lagged.c.status == kind.status_after, after)
        rows.append((kind.code, receives, received_right, taken_right))
    return rows


def history_out_of_order(session, limit: int | None) -> list[Finding]:
    """Each history row against the row before it: a movement that could have happened, in date order."""
    h = SerialHistory.__table__
    window = {"partition_by": h.c.serial_unit_id, "order_by": h.c.id}
    movement_date = case((h.c.transaction_type.not_in(NOT_MOVEMENTS), h.c.date))
    lagged = select(
        h.c.id, h.c.serial_unit_id, h.c.transaction_id, h.c.transaction_type, h.c.date, h.c.status,
        h.c.location_id, h.c.customer_id,
        func.lag(h.c.status).over(**window).label("prev_status"),
        func.lag(h.c.location_id).over(**window).label("prev_location"),
        func.lag(h.c.customer_id).over(**window).label("prev_customer"),
        func.max(movement_date).over(**window, rows=(None, -1)).label("moved_last"),
    ).subquery("lagged")
    t = Transaction.__table__
    own = aliased(SerialHistory)  # for a void row: the voided document's own row of the unit
    prev_same = and_(lagged.c.prev_status == lagged.c.status,
                     lagged.c.prev_location.is_not_distinct_from(lagged.c.location_id),
                     lagged.c.prev_customer.is_not_distinct_from(lagged.c.customer_id))
    from_own = and_(lagged.c.prev_status == own.status,
                    lagged.c.prev_location.is_not_distinct_from(own.location_id),
                    lagged.c.prev_customer.is_not_distinct_from(own.customer_id))
    shipped_twice = and_(lagged.c.status == SHIPPED, lagged.c.prev_status == SHIPPED,
                         lagged.c.transaction_type.not_in((*KEEPS_PLACE, VOID)))
    possible = [(lagged.c.transaction_type.in_(KEEPS_PLACE), and_(lagged.c.prev_status.is_not(None), prev_same)),
                (lagged.c.transaction_type == CREATED, lagged.c.prev_status.is_(None)),
                (lagged.c.transaction_type == VOID, and_(t.c.status == VOIDED, own.id.is_not(None), from_own))]
    for code, receives, received_right, taken_right in _kind_expectations(t, lagged):
        possible.append((lagged.c.transaction_type == code,
                         and_(t.c.type == code, case((receives, received_right), else_=taken_right))))
    could_happen = case(*((when, then) for when, then in possible), else_=false())
    dated_back = and_(lagged.c.transaction_type.in_([kind.code for kind in MOVING_KINDS]),
                      lagged.c.date < lagged.c.moved_last)
    # A comparison with NULL is neither true nor false: a row is possible only when its test is true.
    impossible = func.coalesce(could_happen, false()) == false()
    rows = session.execute(
        select(lagged.c.id, SerialUnit.serial_number, Item.name, lagged.c.transaction_type, t.c.number,
               lagged.c.date, lagged.c.moved_last, lagged.c.prev_status, lagged.c.status,
               shipped_twice.label("shipped_twice"), impossible.label("impossible"), dated_back.label("dated_back"))
        .select_from(lagged)
        .join(SerialUnit, SerialUnit.id == lagged.c.serial_unit_id).join(Item, Item.id == SerialUnit.item_id)
        .outerjoin(t, t.c.id == lagged.c.transaction_id)
        .outerjoin(own, and_(lagged.c.transaction_type == VOID, own.serial_unit_id == lagged.c.serial_unit_id,
                             own.transaction_id == lagged.c.transaction_id, own.transaction_type != VOID))
        .where(or_(shipped_twice, impossible, dated_back))
        .order_by(lagged.c.serial_unit_id, lagged.c.id).limit(limit)).all()
    findings = []
    for row in rows:
        name = _unit_name(row.serial_number, row.name)
        event = f"{row.number or row.transaction_type} (history row {row.id})"
        if row.shipped_twice:
            findings.append(Finding("shipped twice", name,
                                    f"{event} ships it while it was already shipped, without a return between."))
        elif row.impossible:
            before = STATUS_LABELS.get(row.prev_status, row.prev_status or "nowhere").lower()
            findings.append(Finding("history", name,
                                    f"{event} could not have happened: it moves the unit from a place it was not "
                                    f"in (before it the unit was {before}) or to a place the document does not name."))
        if row.dated_back:
            findings.append(Finding("history dates", name,
                                    f"{event} is dated {row.date}, before the unit's earlier movement of "
                                    f"{row.moved_last}."))
    return findings


CHECKS = (
    Check("place", "Units in one place", units_out_of_place),
    Check("quantity", "Quantities on hand", quantities_off),
    Check("stock level", "Stock levels by location", stock_levels_off),
    Check("cost layers", "Cost layers", layers_off),
    Check("value", "Values", value_off),
    Check("history", "Histories against units", history_not_current),
    Check("history order", "Histories replayed", history_out_of_order),
)


def find_problems(session, *, limit: int | None = None, on_check: Callable[[Check], None] | None = None) -> Report:
    """Every check over the whole database; at most ``limit`` findings per check (None: all of them).

    ``on_check`` is called before each check (for progress). Nothing is written; the session's
    transaction is rolled back at the end."""
    report = Report(
        units=session.scalar(select(func.count()).select_from(SerialUnit)) or 0,
        items=session.scalar(select(func.count()).select_from(Item)) or 0,
        documents=session.scalar(select(func.count()).select_from(Transaction)) or 0,
    )
    try:
        for check in CHECKS:
            if on_check is not None:
                on_check(check)
            # One more than asked for says whether there are more.
            found = check.run(session, None if limit is None else limit + 1)
            if limit is not None and len(found) > limit:
                report.cut_short = True
                found = found[:limit]
            report.findings.extend(found)
    finally:
        session.rollback()
    return report
