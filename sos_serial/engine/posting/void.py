"""Voiding a posted document: its units, stock, value and cost layers go back to where it found them.

A void is a posting in its own right: one unit of work (the write lock, the guard's rules), the items'
rows locked, every unit moved by a statement that holds only while the unit is still where the
document left it. The document stays, marked voided with who, when and why; each unit it moved gains
a ``void`` history row saying where it went back to.

Where a unit goes back to is the history row just before the document's own: the state the document
found it in. Units the document created (new serials received) have no such row: they leave stock as
adjusted out, so their serial, freed from stock, can be received again as the same unit, its history
continued (DESIGN.md, rule 2). Cost and warranty a posting replaced are kept in its history row as
``{column: [old, new]}`` and put back from there.
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.session_rules import rules_of
from sos_serial.database.statements import one_of
from sos_serial.engine.event_delivery import AFTER_COMMIT, deliver_due
from sos_serial.engine.events import record_transaction_voided
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, FieldError, InvalidInput, NotFound, SerialInventoryError
from sos_serial.limits import MEMO_MAX_LENGTH
from sos_serial.models import (
    CostLayer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    StockLevel,
    Transaction,
    TransactionLine,
)
from sos_serial.models._columns import utcnow
from sos_serial.models.serial_history import CREATED, EDIT, VOID
from sos_serial.models.serial_unit import ADJUSTED_OUT, IN_STOCK, RENTED, SHIPPED
from sos_serial.models.transaction import POSTED, VOIDED

from ..valuation import change_item_stock, consume_layers

log = logging.getLogger(__name__)
# History rows that are no document's movement (a later one of these does not stop a void).
NOT_MOVEMENTS = (EDIT, CREATED, VOID)
SHOWN = 10
# What a restored unit's history row columns put back, besides its place.
RESTORED_COLUMNS = ("unit_cost", "warranty_id", "warranty_start", "warranty_end", "lot", "expiry_date",
                    "production_date")


def read_void_reason(reason) -> str:
    """The reason as the void keeps it: text, not blank, at most as long as a memo."""
    if not isinstance(reason, str) or not reason.strip():
        message = "Say why the document is voided: the reason is kept with the document and each unit's history."
        raise InvalidInput(message, [FieldError("reason", message)])
    reason = reason.strip()
    if len(reason) > MEMO_MAX_LENGTH:
        message = (f"The reason can be at most {MEMO_MAX_LENGTH:,} characters; this one has {len(reason):,}. "
                   "Shorten it and void again.")
        raise InvalidInput(message, [FieldError("reason", message)])
    return reason


def void_transaction(session, document_id: int, reason, user=None) -> Transaction:
    """Void the posted document ``document_id``: commit and return it, or raise and change nothing.

    Refused (``Conflict``) when it is voided already, or when a unit it moved has moved again since
    (each such unit named, with the later document: void that one first).
    """
    reason = read_void_reason(reason)
    user_id = getattr(user, "id", None)
    rules = rules_of(session)
    with unit_of_work(session, _void_conflict, posting=True):
        document = session.scalar(select(Transaction).where(Transaction.id == document_id)
                                  .with_for_update().execution_options(populate_existing=True))
        if document is None:
            raise NotFound(f"There is no transaction with id {document_id}.")
        if document.status == VOIDED:
            raise Conflict(f"{document.type_label} {document.number} was already voided on "
                           f"{document.voided_at:%Y-%m-%d}: nothing was changed.")
        kind = document.kind
        items = _lock_items(session, document)
        if kind.moves_stock:
            _refuse_moved_since(session, document)
            _put_units_back(session, document, user_id)
            _put_stock_back(session, document, items)
        document.status = VOIDED
        document.voided_at = utcnow()
        document.voided_by_id = user_id
        document.void_reason = reason
        session.flush()
        # The event commits with the void, or neither does.
        event_id = record_transaction_voided(session, document, user_id).id
    _notify(session, rules, event_id)
    return document


def _notify(session, rules, event_id: str) -> None:
    try:
        deliver_due(session, rules, AFTER_COMMIT, event_id=event_id)
    except Exception:  # the void stands; what this attempt missed, the events worker delivers
        session.rollback()
        log.exception("Delivering event %s right after its void failed; it stays in the outbox", event_id)


def _void_conflict(exc: IntegrityError) -> SerialInventoryError:
    return Conflict("This void clashed with a transaction posted at the same moment; nothing was changed. "
                    "Reload the document and void it again.")


def _lock_items(session, document) -> dict[int, Item]:
    ids = sorted({line.item_id for line in document.lines})
    query = select(Item).where(Item.id.in_(ids)).order_by(Item.id).execution_options(populate_existing=True)
    return {item.id: item for item in session.scalars(query.with_for_update(of=Item))}


def _own_rows(document):
    """The document's own history rows (not the rows of its void)."""
    return and_(SerialHistory.transaction_id == document.id, SerialHistory.transaction_type == document.type)


def _refuse_moved_since(session, document) -> None:
    """Refuse when a unit the document moved was moved since by a document that still stands."""
    mine, later = aliased(SerialHistory), aliased(SerialHistory)
    rows = session.execute(
        select(SerialUnit.serial_number, Item.name, Transaction.number, Transaction.type, later.date)
        .select_from(mine)
        .join(later, and_(later.serial_unit_id == mine.serial_unit_id, later.id > mine.id))
        .join(Transaction, Transaction.id == later.transaction_id)
        .join(SerialUnit, SerialUnit.id == mine.serial_unit_id)
        .join(Item, Item.id == SerialUnit.item_id)
        .where(mine.transaction_id == document.id, mine.transaction_type == document.type,
               later.transaction_type.not_in(NOT_MOVEMENTS), Transaction.status == POSTED)
        .order_by(SerialUnit.serial_key, later.id)).all()
    if not rows:
        return
    by_unit = {}
    for serial, item, number, _type, when in rows:
        by_unit.setdefault((serial, item), []).append(f"{number} of {when.isoformat()}")
    listed = "; ".join(f"{serial} of {item}: {', '.join(docs)}" for (serial, item), docs in list(by_unit.items())[:SHOWN])
    more = f" ({len(by_unit) - SHOWN} more units too)" if len(by_unit) > SHOWN else ""
    label = f"{document.type_label} {document.number}"
    raise Conflict(f"{label} cannot be voided: units it moved have moved again since. {listed}{more}. "
                   "Void the later documents first (newest first), then this one.",
                   [FieldError("lines", f"{serial} of {item}: moved since by {', '.join(docs)}")
                    for (serial, item), docs in by_unit.items()])


def _put_units_back(session, document, user_id: int | None) -> None:
    """Each unit to the state the document found it in, with a ``void`` history row (why: the document's
    ``void_reason``)."""
    mine, prior, before = SerialHistory, aliased(SerialHistory), aliased(SerialHistory)
    previous = (select(func.max(prior.id)).where(prior.serial_unit_id == mine.serial_unit_id, prior.id < mine.id)
                .correlate(mine).scalar_subquery())
    rows = session.execute(
        select(mine.serial_unit_id, mine.status, mine.location_id, mine.customer_id, mine.changes,
               before.status, before.location_id, before.customer_id)
        .select_from(mine).outerjoin(before, before.id == previous)
        .where(_own_rows(document)).order_by(mine.serial_unit_id)).all()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for unit_id, status, location_id, customer_id, changes, old_status, old_location, old_customer in rows:
        if old_status is None:  # the document created the unit: it leaves stock
            old_status, old_location, old_customer = ADJUSTED_OUT, None, None
        replaced = _replaced(changes)
        groups[(status, location_id, customer_id), (old_status, old_location, old_customer),
               tuple(sorted(replaced.items()))].append(unit_id)
    # Dated as the document: the void cancels its movement as of that day (recorded_at says when it was
    # voided), so the amended copy posted in its place, on the same date, keeps the history in date order.
    on = document.date
    for (now, back, replaced), unit_ids in groups.items():
        _move_back(session, unit_ids, now, back, dict(replaced))
        status, location_id, customer_id = back
        bulk_insert(session, SerialHistory.__table__, ["serial_unit_id"], [(unit_id,) for unit_id in unit_ids],
                    held=("serial_unit_id",),
                    same={"transaction_id": document.id, "transaction_type": VOID, "date": on, "status": status,
                          "location_id": location_id, "customer_id": customer_id, "user_id": user_id})


def _replaced(changes) -> dict:
    """The values the document's history row says it replaced, in the column's stored form."""
    if isinstance(changes, str):
        changes = json.loads(changes)
    if not isinstance(changes, dict):
        return {}
    replaced = {}
    for name in RESTORED_COLUMNS:
        if name in changes:
            old = changes[name][0]
            if name == "unit_cost":
                old = Decimal(old)
            elif name in ("warranty_start", "warranty_end", "expiry_date", "production_date") and old is not None:
                old = date.fromisoformat(old)
            replaced[name] = old
    return replaced


def _move_back(session, unit_ids, now: tuple, back: tuple, replaced: dict) -> None:
    """Units from where the document left them (``now``) back to ``back``; refused if one is elsewhere."""
    status, location_id, customer_id = now
    where = [one_of(session, SerialUnit.id, unit_ids), SerialUnit.status == status]
    if status == IN_STOCK:
        where.append(SerialUnit.location_id == location_id)
    elif status in (SHIPPED, RENTED):
        where.append(SerialUnit.customer_id == customer_id)
    old_status, old_location, old_customer = back
    result = session.execute(
        update(SerialUnit).where(*where)
        .values(status=old_status, location_id=old_location, customer_id=old_customer, **replaced,
                version=SerialUnit.version + 1, updated_at=func.now())
        .execution_options(synchronize_session=False))
    if result.rowcount != len(unit_ids):
        raise Conflict("Some of the units of this document were moved by another transaction just now; "
                       "nothing was voided. Reload the document and check its units.")


def _put_stock_back(session, document, items: dict[int, Item]) -> None:
    """Quantities, values and cost layers: what each line added is taken back, what it took is returned.

    Lines that added go first, so a build's outputs leave before its inputs come back."""
    kind = document.kind
    lines = sorted(document.lines, key=lambda li: -kind.line_stock_effect(li.quantity, li.role))
    for line in lines:
        item = items[line.item_id]
        effect = kind.line_stock_effect(line.quantity, line.role)
        quantity = abs(line.quantity)
        if not item.track_serials:
            _put_plain_back(session, document, line, item, effect, quantity)
        if effect > 0:
            _take_layers_back(session, item.id, line.id, quantity)
            change_item_stock(item, -quantity, -line.cost)
        elif effect < 0:
            _refill_layers(session, document, item.id, quantity)
            change_item_stock(item, quantity, line.cost)


def _put_plain_back(session, document, line, item, effect: int, quantity: int) -> None:
    if effect > 0:
        _take_plain(session, document, item, document.location_id, quantity)
    elif effect < 0:
        _put_plain(session, item.id, document.location_id, quantity)
    else:
        _take_plain(session, document, item, getattr(document, document.kind.puts_at), quantity)
        _put_plain(session, item.id, document.location_id, quantity)


def _take_plain(session, document, item, location_id: int, quantity: int) -> None:
    result = session.execute(
        update(StockLevel)
        .where(StockLevel.item_id == item.id, StockLevel.location_id == location_id, StockLevel.quantity >= quantity)
        .values(quantity=StockLevel.quantity - quantity).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        on_hand = session.scalar(select(StockLevel.quantity).where(
            StockLevel.item_id == item.id, StockLevel.location_id == location_id)) or 0
        where = session.get(Location, location_id).name
        raise Conflict(f"{document.type_label} {document.number} cannot be voided: it put {quantity} of {item.name} "
                       f"at {where}, and only {on_hand} are there now. Void or reverse the documents that took "
                       "them since, then void this one.", [FieldError("lines", f"{item.name}: {on_hand} at {where}")])


def _put_plain(session, item_id: int, location_id: int, quantity: int) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(StockLevel).values(item_id=item_id, location_id=location_id, quantity=quantity)
    session.execute(statement.on_conflict_do_update(
        index_elements=[StockLevel.item_id, StockLevel.location_id],
        set_={"quantity": StockLevel.quantity + statement.excluded.quantity}))


def _take_layers_back(session, item_id: int, line_id: int, quantity: int) -> None:
    """Take back what an inbound line brought: from its own layers, then (if some was since taken out of
    them) from the oldest, as an outbound movement would."""
    layers = session.execute(select(CostLayer.id, CostLayer.quantity_remaining)
                             .where(CostLayer.line_id == line_id, CostLayer.quantity_remaining > 0)
                             .order_by(CostLayer.id.desc())).all()
    for layer_id, available in layers:
        if quantity == 0:
            break
        taken = min(available, quantity)
        session.execute(update(CostLayer).where(CostLayer.id == layer_id)
                        .values(quantity_remaining=available - taken))
        quantity -= taken
    if quantity:
        consume_layers(session, item_id, quantity)


def _refill_layers(session, document, item_id: int, quantity: int) -> None:
    """Give back to the layers what an outbound line took: FIFO took the oldest first, so the newest
    layers taken from are filled first. Layers of voided documents (this one too) stay as they are."""
    standing = or_(CostLayer.line_id.is_(None), CostLayer.line_id.in_(
        select(TransactionLine.id).join(Transaction, Transaction.id == TransactionLine.transaction_id)
        .where(Transaction.status == POSTED, Transaction.id != document.id)))
    layers = session.execute(select(CostLayer.id, CostLayer.quantity, CostLayer.quantity_remaining)
                             .where(CostLayer.item_id == item_id, CostLayer.quantity_remaining < CostLayer.quantity,
                                    standing)
                             .order_by(CostLayer.id.desc())).all()
    for layer_id, size, remaining in layers:
        if quantity == 0:
            break
        given = min(size - remaining, quantity)
        session.execute(update(CostLayer).where(CostLayer.id == layer_id)
                        .values(quantity_remaining=remaining + given))
        quantity -= given

