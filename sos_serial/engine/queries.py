"""Read paths the screens and the API share: each question about documents, units and the audit log asked once, here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from sos_serial.models import AuditEntry, SerialHistory, SerialUnit, TransactionLineSerial
from sos_serial.models.document_kind import CUSTOMER, LOCATION, document_kind, is_document_kind
from sos_serial.models.serial_unit import IN_STOCK

from .serial_search import exact_conditions, prefix_conditions


def line_serials(session, line_ids) -> dict[int, list[str]]:
    """Each line's serials, in one query for the whole document."""
    serials: dict[int, list[str]] = {line_id: [] for line_id in line_ids}
    rows = session.execute(
        select(TransactionLineSerial.line_id, SerialUnit.serial_number)
        .join(SerialUnit, SerialUnit.id == TransactionLineSerial.serial_unit_id)
        .where(TransactionLineSerial.line_id.in_(line_ids))
        .order_by(TransactionLineSerial.line_id, SerialUnit.id)
    )
    for line_id, serial in rows:
        serials[line_id].append(serial)
    return serials


@dataclass
class UnitsFound:
    units: list  # SerialUnit records, or (id, serial_number) rows when asked for serials only
    total: int | None  # counted only when asked


def picks_from(kind: str | None) -> tuple[str, str]:
    """Where a document of ``kind`` takes its units from: (the units' status, the party field naming
    the place). Without a known kind, units in stock at a location."""
    if is_document_kind(kind):
        return document_kind(kind).takes_status, document_kind(kind).takes_from
    return IN_STOCK, LOCATION


def pickable_units(session, item_id: int, *, kind: str | None = None, location_id: int | None = None,
                   customer_id: int | None = None, q: str | None = None, exact: bool = False, limit: int,
                   offset: int = 0, count: bool = False, serials_only: bool = False) -> UnitsFound:
    """The units of an item a document of ``kind`` may pick, where it takes them from, by serial.

    The kind's table entry says where that is (returns take units shipped to the customer, rental
    returns units rented to it, the rest units in stock at the location). A place left as None is not
    narrowed to; ``q`` matches the start of the serial, or the whole serial when ``exact``.
    ``serials_only`` gives rows of (id, serial_number) instead of whole records: the picker asks on
    every keystroke and needs no more (loading whole records doubled its time at a million units).
    """
    status, party = picks_from(kind)
    place = customer_id if party == CUSTOMER else location_id
    column = SerialUnit.customer_id if party == CUSTOMER else SerialUnit.location_id
    conditions = [SerialUnit.item_id == item_id, SerialUnit.status == status,
                  *(exact_conditions(q) if exact else prefix_conditions(q))]
    if place is not None:
        conditions.append(column == place)
    total = session.scalar(select(func.count(SerialUnit.id)).where(*conditions)) if count else None
    query = select(SerialUnit.id, SerialUnit.serial_number) if serials_only else select(SerialUnit)
    query = query.where(*conditions).order_by(SerialUnit.serial_key).limit(limit).offset(offset)
    units = session.execute(query).all() if serials_only else session.scalars(query).all()
    return UnitsFound(list(units), total)


def unit_history(session, unit_id: int) -> list[SerialHistory]:
    """A unit's history rows, oldest first: the posting, addition or edit each one records."""
    return list(session.scalars(select(SerialHistory).where(SerialHistory.serial_unit_id == unit_id)
                                .order_by(SerialHistory.id)))


def audit_conditions(*, actor: str | None = None, action: str | None = None, since: date | None = None,
                     until: date | None = None) -> list:
    """Conditions on the audit log: who (their name at the time), which action, and whole days in UTC,
    ``since`` and ``until`` both included."""
    conditions = []
    if actor is not None:
        conditions.append(AuditEntry.actor_name == actor)
    if action is not None:
        conditions.append(AuditEntry.action == action)
    if since is not None:
        conditions.append(AuditEntry.at >= start_of_day(since))
    if until is not None:
        conditions.append(AuditEntry.at < start_of_day(until + timedelta(days=1)))
    return conditions


def start_of_day(day: date) -> datetime:
    """The day's first moment in UTC, the zone the audit log is kept in."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)
