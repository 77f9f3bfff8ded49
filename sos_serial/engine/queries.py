"""Read paths the screens and the API share: each question about documents and units asked once, here."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.models import SerialUnit, TransactionLineSerial


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
