"""What a serial number may look like: trimmed, 1 to 64 characters, no control characters."""
import unicodedata

from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl
from sos_serial.models.serial_unit import SERIAL_MAX_LENGTH


@hookimpl
def validate_serial_number(item, serial_number):
    name = item.name if item is not None else "this item"
    if not serial_number:
        raise InvalidInput(f"A serial number of {name} is empty.")
    if len(serial_number) > SERIAL_MAX_LENGTH:
        raise InvalidInput(
            f"Serial {serial_number[:20]}... of {name} is {len(serial_number)} characters long; "
            f"at most {SERIAL_MAX_LENGTH} are allowed."
        )
    bad = next((ch for ch in serial_number if unicodedata.category(ch).startswith("C")), None)
    if bad is not None:
        raise InvalidInput(
            f"Serial {serial_number!r} of {name} holds a control character ({_describe(bad)}); "
            "serial numbers are printable text only."
        )


def _describe(ch: str) -> str:
    names = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}
    return names.get(ch, f"U+{ord(ch):04X}")
