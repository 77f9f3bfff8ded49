"""Read paths the screens and the API share: each question about documents and units asked once, here."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from sos_serial.models import SerialHistory, SerialUnit, TransactionLineSerial
from sos_serial.models.serial_unit import IN_STOCK, RENTED, SHIPPED
from sos_serial.models.transaction import RENTAL_RETURN, RETURN

from .serial_search import prefix_conditions

# Kinds that pick their units from a customer, and the status the units have there; the rest pick from stock.
PICKS_FROM_CUSTOMER = {RETURN: SHIPPED, RENTAL_RETURN: RENTED}


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
    units: list[SerialUnit]
    total: int | None  # counted only when asked


def pickable_units(session, item_id: int, *, kind: str | None = None, location_id: int | None = None,
                   customer_id: int | None = None, q: str | None = None, limit: int, offset: int = 0,
                   count: bool = False) -> UnitsFound:
    """The units of an item a document of ``kind`` may pick, where it takes them from, by serial.

    Returns take units shipped to the customer, rental returns units rented to it; every other kind
    takes units in stock at its location. A place left as None is not narrowed to; ``q`` matches the
    start of the serial.
    """
    conditions = [SerialUnit.item_id == item_id, *prefix_conditions(q)]
    if kind in PICKS_FROM_CUSTOMER:
        conditions.append(SerialUnit.status == PICKS_FROM_CUSTOMER[kind])
        if customer_id is not None:
            conditions.append(SerialUnit.customer_id == customer_id)
    else:
        conditions.append(SerialUnit.status == IN_STOCK)
        if location_id is not None:
            conditions.append(SerialUnit.location_id == location_id)
    total = session.scalar(select(func.count(SerialUnit.id)).where(*conditions)) if count else None
    units = session.scalars(select(SerialUnit).where(*conditions).order_by(SerialUnit.serial_key)
                            .limit(limit).offset(offset)).all()
    return UnitsFound(list(units), total)


def unit_history(session, unit_id: int) -> list[SerialHistory]:
    """A unit's history rows, oldest first: the posting, addition or edit each one records."""
    return list(session.scalars(select(SerialHistory).where(SerialHistory.serial_unit_id == unit_id)
                                .order_by(SerialHistory.id)))
