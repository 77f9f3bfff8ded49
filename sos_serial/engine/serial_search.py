"""Serial search: a query matches the start of serial numbers, ignoring case, as an index range scan."""
from __future__ import annotations

from sos_serial.models import SerialUnit
from sos_serial.models.serial_unit import serial_key

# Greater than any character a serial can hold, so key >= q and key < q + this is "starts with q".
_AFTER_ANY = "\U0010ffff"


def prefix_conditions(q: str | None) -> list:
    """Conditions for "serial starts with q": a range on serial_key, which both databases index."""
    q = serial_key(q or "")
    if not q:
        return []
    return [SerialUnit.serial_key >= q, SerialUnit.serial_key < q + _AFTER_ANY]


def exact_conditions(q: str | None) -> list:
    """Conditions for "serial is q", compared as serials are (trimmed, letter case folded)."""
    return [SerialUnit.serial_key == serial_key(q or "")]
