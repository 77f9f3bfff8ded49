"""Serial search: a query (typed, or a scanned GS1 barcode) matches the start of serial numbers, ignoring case."""
from __future__ import annotations

from sos_serial.engine.gs1 import search_text
from sos_serial.models import SerialUnit
from sos_serial.models.serial_unit import serial_key

# Greater than any character a serial can hold, so key >= q and key < q + this is "starts with q".
_AFTER_ANY = "\U0010ffff"


def prefix_conditions(q: str | None) -> list:
    """Conditions for "serial starts with q": a range on serial_key, which both databases index.

    A scanned GS1 barcode in ``q`` looks for the serial of its AI 21 (engine/gs1.py)."""
    q = serial_key(search_text(q) or "")
    if not q:
        return []
    return [SerialUnit.serial_key >= q, SerialUnit.serial_key < q + _AFTER_ANY]


def exact_conditions(q: str | None) -> list:
    """Conditions for "serial is q", compared as serials are (trimmed, letter case folded)."""
    return [SerialUnit.serial_key == serial_key(search_text(q) or "")]
