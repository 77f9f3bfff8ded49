"""Serial ranges: a first serial and a count or a last serial, read and expanded into the serials they stand for.

One reading for every entry point: the API's ``serial_ranges``, a range typed in an S/N field and a range row
of an uploaded CSV file all come here, so a range means the same serials wherever it is given.

The number a serial ends in is counted up; everything before it (the prefix) stays as the first serial writes
it. The number keeps the width the first serial gives it: "SN-0001" counts SN-0002 ... SN-0999, SN-1000. A
number written with leading zeros has a fixed width, and a range that would need more digits is refused
rather than grown (SN-9999 and one more is refused: a label printer, a scanner's check or the next clerk would
not read SN-10000 as the next serial). A number without leading zeros is a plain number and grows like one
(SN-9, SN-10, SN-11).

On a screen or in a file a range is written as "SN-0001 - SN-0500" (a dash with spaces around it),
"SN-0001..SN-0500", or "SN-0001 +500" (500 serials from SN-0001, that is SN-0001 to SN-0500).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

from sos_serial.errors import InvalidInput
from sos_serial.limits import SERIAL_MAX_LENGTH
from sos_serial.models.serial_key import serial_key

# How the help texts and messages show the notation.
NOTATION = '"SN-0001 - SN-0500", "SN-0001..SN-0500" or "SN-0001 +500"'

# A count written with more digits than this is refused before it is read as a number.
COUNT_MAX_DIGITS = 12
# The digits a serial ends in (ASCII digits only: other scripts' digits are letters to a label printer).
_NUMBER_AT_END = re.compile(r"([0-9]+)\Z")
# What every notation holds and a plain serial seldom does: a space or two dots.
_MAYBE_RANGE = re.compile(r"\s|\.\.")
# "FIRST - LAST" with a hyphen, en dash or em dash and spaces around it (a dash inside a serial has none).
_DASHED = re.compile(r"\A(\S(?:.*?\S)?)\s+[-\u2013\u2014]\s+(\S(?:.*\S)?)\Z", re.DOTALL)
_DOTTED = re.compile(r"\A(\S(?:.*?\S)?)\s*\.\.\s*([^.\s](?:.*\S)?)\Z", re.DOTALL)
# "FIRST +COUNT": a space before the plus, so a serial holding a plus ("A+1") stays a serial.
_COUNTED = re.compile(r"\A(\S(?:.*?\S)?)\s+\+\s*([0-9]+)\Z", re.DOTALL)


@dataclass(frozen=True)
class SerialRange:
    """``count`` serials: ``prefix`` followed by the numbers from ``start``, zero-padded to ``width`` digits."""

    prefix: str
    start: int
    count: int
    width: int

    @property
    def first(self) -> str:
        return self._serial(self.start)

    @property
    def last(self) -> str:
        return self._serial(self.start + self.count - 1)

    def serials(self) -> list[str]:
        prefix, width = self.prefix, self.width
        return [prefix + str(number).zfill(width) for number in range(self.start, self.start + self.count)]

    def _serial(self, number: int) -> str:
        return self.prefix + str(number).zfill(self.width)

    def __str__(self) -> str:
        if self.count == 1:
            return self.first
        return f"{self.first} to {self.last} ({self.count:,} serials)"


def serial_range(first: str, *, count: int | None = None, last: str | None = None) -> SerialRange:
    """The range from ``first``, of ``count`` serials or up to ``last`` (exactly one of them).

    Raises InvalidInput, in the clerk's words, for a range that does not read: no number at the end of a
    serial, a different prefix or width at each end, the last before the first, a count below one, or a
    fixed-width number that would run out of digits. It never lists the serials: a count is checked
    against the document's limit by the caller before ``serials()`` is asked for.
    """
    if (count is None) == (last is None):
        raise InvalidInput("Give a range's last serial or its count, not both." if count is not None
                           else "Give a range's last serial or its count.")
    first = _serial_text(first, "first")
    prefix, number, width = _split(first)
    fixed = _has_leading_zeros(first[len(prefix):])
    if last is not None:
        last = _serial_text(last, "last")
        last_prefix, last_number, last_width = _split(last)
        if serial_key(last_prefix) != serial_key(prefix):
            raise InvalidInput(f"{first} and {last} differ before the number they end in; a range keeps "
                               f"everything but that number (SN-0001 to SN-0500).")
        # A fixed width holds at both ends; a plain number is never written with leading zeros.
        if (fixed and last_width != width) or (not fixed and _has_leading_zeros(last[len(last_prefix):])):
            raise InvalidInput(f"{first} and {last} write their numbers with different numbers of digits; "
                               f"write both the same way (SN-0001 to SN-0500, or SN-1 to SN-500).")
        if last_number < number:
            raise InvalidInput(f"{last} comes before {first}; give the lower serial first.")
        count = last_number - number + 1
    elif isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInput("A range's count must be a whole number of at least 1.")
    if fixed and len(str(number + count - 1)) > width:
        top = f"{prefix}{'9' * width}"
        raise InvalidInput(f"{first} and {count - 1:,} more would run past the {width} digits of its number "
                           f"({top} is the last serial of that width); split the range at {top}, or write "
                           f"the first serial with more digits.")
    return SerialRange(prefix, number, count, width)


def range_notation(text: str) -> dict | None:
    """The range ``text`` writes, in the API's shape (``{"first", "last"}`` or ``{"first", "count"}``), not yet
    checked; None when ``text`` is written as a single serial. A count too long to be one is left as its text."""
    text = text.strip()
    if not _MAYBE_RANGE.search(text):  # most entries are single serials: one quick look decides
        return None
    counted = _COUNTED.match(text)
    if counted:
        digits = counted.group(2).lstrip("0") or "0"
        return {"first": counted.group(1),
                "count": int(digits) if len(digits) <= COUNT_MAX_DIGITS else counted.group(2)}
    between = _DASHED.match(text) or _DOTTED.match(text)
    if between:
        return {"first": between.group(1), "last": between.group(2)}
    return None


def read_range_notation(text: str) -> SerialRange | None:
    """The range ``text`` writes (see the module's notation), or None when it is a single serial.

    Raises InvalidInput for text written as a range whose ends do not make one ("SN-0500 - SN-0001").
    """
    written = range_notation(text)
    if written is None:
        return None
    if isinstance(written.get("count"), str):
        raise InvalidInput(f"A range of {written['count']} serials is more than any document takes.")
    return serial_range(written["first"], count=written.get("count"), last=written.get("last"))


def range_serials(ranges: list[SerialRange]) -> list[str]:
    """Every serial of ``ranges``, in order."""
    return list(chain.from_iterable(serial_range_.serials() for serial_range_ in ranges))


def serial_range_text(text: str, problem: str) -> str:
    """What the clerk reads about ``text``, written as a range that does not read."""
    return f"{text.strip()} reads as a range of serial numbers ({NOTATION}), but: {problem}"


def _serial_text(serial, which: str) -> str:
    if not isinstance(serial, str) or not serial.strip():
        raise InvalidInput(f"A range's {which} serial must be text.")
    serial = serial.strip()
    if len(serial) > SERIAL_MAX_LENGTH:
        raise InvalidInput(f"A range's {which} serial can be at most {SERIAL_MAX_LENGTH} characters.")
    return serial


def _split(serial: str) -> tuple[str, int, int]:
    """(prefix, number, digits of the number) of a serial ending in a number."""
    tail = _NUMBER_AT_END.search(serial)
    if tail is None:
        raise InvalidInput(f"{serial} does not end in a number, so a range cannot count on from it "
                           f"(SN-0001 to SN-0500 counts the number at the end).")
    digits = tail.group(1)
    return serial[:tail.start()], int(digits), len(digits)


def _has_leading_zeros(digits: str) -> bool:
    return len(digits) > 1 and digits.startswith("0")
