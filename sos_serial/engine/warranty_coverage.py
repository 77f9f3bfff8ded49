"""When a shipment starts a unit's warranty, and when it keeps the coverage the unit already has.

The warranty belongs to the sale. A unit shipped for the first time starts its coverage on
the shipment's date. A unit shipped back to the customer who holds its coverage (it came
back on a return, for repair or exchange) keeps its original start and end: a repair does
not extend a warranty. A unit shipped to anyone else is sold anew, and its new owner gets
full coverage from that shipment's date.
"""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.database.statements import one_of
from sos_serial.models import SerialHistory, SerialUnit
from sos_serial.models.serial_unit import SHIPPED


def units_keeping_coverage(session, unit_ids: list[int], customer_id: int) -> set[int]:
    """Of these units, those already covered by a sale to ``customer_id``."""
    covered = list(session.scalars(select(SerialUnit.id).where(
        one_of(session, SerialUnit.id, unit_ids), SerialUnit.warranty_start.is_not(None))))
    if not covered:
        return set()
    holder: dict[int, int | None] = {}
    rows = session.execute(
        select(SerialHistory.serial_unit_id, SerialHistory.customer_id)
        .where(one_of(session, SerialHistory.serial_unit_id, covered), SerialHistory.status == SHIPPED)
        .order_by(SerialHistory.id))
    for unit_id, customer in rows:
        holder[unit_id] = customer  # the latest shipment wins
    return {unit_id for unit_id in covered if holder.get(unit_id) == customer_id}
