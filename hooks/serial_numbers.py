"""What a serial number may look like: 1 to 64 printable characters, already trimmed."""
from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl
from sos_serial.models.serial_key import is_invisible
from sos_serial.models.serial_unit import SERIAL_MAX_LENGTH, serial_key

SHOWN = 10


@hookimpl
def validate_serial_numbers(item, serial_numbers):
    problems = []
    for serial in serial_numbers:
        # Control characters (tab, line breaks) and the ones that show as nothing (zero-width and
        # default-ignorable ones) are refused; the space is the one separator allowed, and only inside.
        if not serial:
            problems.append("an empty serial number")
        elif len(serial) > SERIAL_MAX_LENGTH:
            problems.append(f"{serial[:24]}... is {len(serial)} characters long (at most {SERIAL_MAX_LENGTH})")
        elif not serial.isprintable() or (not serial.isascii() and any(is_invisible(ch) for ch in serial)):
            problems.append(f"{serial!r} holds a control or invisible character ({_describe(serial)})")
        elif not serial.isascii() and len(serial_key(serial)) > SERIAL_MAX_LENGTH:
            # The compared form is stored too, in as many characters; a few letters fold longer
            # (ß -> ss). ASCII text folds to the same length, so only other text is measured.
            problems.append(f"{serial[:24]}... is {len(serial_key(serial))} characters long when compared "
                            f"without regard to case (letters such as ß count twice; at most {SERIAL_MAX_LENGTH})")
        if len(problems) > SHOWN:
            break
    if problems:
        shown = "; ".join(problems[:SHOWN])
        more = " and more" if len(problems) > SHOWN else ""
        raise InvalidInput(f"{item.name}: {shown}{more}. Serial numbers are printable text of 1 to "
                           f"{SERIAL_MAX_LENGTH} characters.")


def _describe(serial: str) -> str:
    names = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}
    bad = next(ch for ch in serial if is_invisible(ch))
    return names.get(bad, f"U+{ord(bad):04X}")
