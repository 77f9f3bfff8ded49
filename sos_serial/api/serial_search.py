"""Serial search: q matches the start of serial numbers, ignoring case, as an index range scan."""
from flask import request

from sos_serial.models import SerialUnit
from sos_serial.models.serial_unit import serial_key

# Greater than any character a serial can hold, so key >= q and key < q + this is "starts with q".
_AFTER_ANY = "\U0010ffff"


def prefix_conditions(q: str | None) -> list:
    q = serial_key(q or "")
    if not q:
        return []
    return [SerialUnit.serial_key >= q, SerialUnit.serial_key < q + _AFTER_ANY]


def prefix_filter() -> list:
    return prefix_conditions(request.args.get("q"))
