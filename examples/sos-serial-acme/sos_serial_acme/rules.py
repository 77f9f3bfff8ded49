"""Task 1, a serial rule: new serials of chosen items must match a pattern (ACME_SERIAL_PATTERNS)."""
import re

from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl

from .settings import setting


@hookimpl
def validate_serial_numbers(item, serial_numbers, new_serials):
    # Only new serials must follow the pattern: units received before the rule may still ship.
    pattern = setting("ACME_SERIAL_PATTERNS").get(item.name)
    if pattern is None or not new_serials:
        return
    compiled = re.compile(pattern)
    wrong = [s for s in serial_numbers if not compiled.fullmatch(s)]
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise InvalidInput(f"Serials of {item.name} must look like {pattern}; these do not: {shown}.")
