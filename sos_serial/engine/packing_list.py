"""What a shipment's packing list shows: each line's item, quantity and serials, and warranties if set."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.models import SerialUnit, Settings, TransactionLineSerial


def packing_list_context(session, document) -> dict:
    settings = Settings.current(session)
    show_warranty = settings.show_warranty_on_serial_units
    lines = []
    for line in document.lines:
        units = session.scalars(
            select(SerialUnit).join(TransactionLineSerial, TransactionLineSerial.serial_unit_id == SerialUnit.id)
            .where(TransactionLineSerial.line_id == line.id).order_by(SerialUnit.serial_key)).all()
        lines.append({"item": line.item, "quantity": abs(line.quantity), "units": units})
    return {"document": document, "lines": lines, "show_warranty": show_warranty}
