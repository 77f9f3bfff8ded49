"""Serials as a clerk enters them, read the way a posting will read them, for the entry screen to show.

The screen asks here instead of comparing serials itself: a serial is compared by
``serial_key`` (trimmed, case-folded, so "STRASSE" and "straße" are one serial), a scanned GS1
barcode is read by ``gs1`` for its AI 21, and an uploaded file is read by ``serial_csv``, so what the
screen flags is what the posting refuses, and the clerk sees which serial a scan stands for.
An S/N field may hold a range of serials (engine/serial_ranges.py): the screen shows what it
expands to before the document is saved, and sends it to the posting as one of ``serial_ranges``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sos_serial.engine.gs1 import UnreadableScan, may_be_scan, read_scanned_serial
from sos_serial.engine.serial_csv import decode_csv, serial_column
from sos_serial.engine.serial_ranges import range_notation, read_range_notation
from sos_serial.errors import InvalidInput
from sos_serial.limits import SERIALS_PER_DOCUMENT
from sos_serial.models.serial_unit import serial_key


@dataclass(frozen=True)
class SerialReading:
    serials: list[str]  # each as the posting stores it, trimmed; "" for a blank entry
    keys: list[str]  # what each is compared by
    repeated: list[bool]  # its key (or a key of its range) appears more than once in its group (its item)
    # A scanned GS1 barcode's reading ({gtin14, lot, expiry_date, production_date}); None for a typed serial.
    scans: list[dict | None] | tuple = ()
    # Of an entry written as a range: {"count", "first", "last"} when it reads. (Empty for a file's rows.)
    ranges: list[dict | None] | tuple = ()
    # Why an entry that reads as a GS1 barcode or a range cannot be read; None otherwise.
    problems: list[str | None] | tuple = ()

    def as_json(self) -> dict:
        size = len(self.serials)
        return {"serials": self.serials, "keys": self.keys, "repeated": self.repeated,
                "scans": list(self.scans) or [None] * size, "ranges": list(self.ranges) or [None] * size,
                "problems": list(self.problems) or [None] * size}


def _read(text: str) -> tuple[str, dict | None, str | None]:
    if not may_be_scan(text):
        return text.strip(), None, None
    try:
        scan = read_scanned_serial(text)
    except UnreadableScan as exc:
        return text.strip(), None, exc.message
    if not scan.gs1:
        return scan.serial.strip(), None, None
    return scan.serial.strip(), {"gtin14": scan.gtin14, "lot": scan.lot,
                                 "expiry_date": scan.expiry and scan.expiry.isoformat(),
                                 "production_date": scan.production_date and scan.production_date.isoformat()}, None


def read_entered_serials(serials: list[str], groups: list | None = None,
                         limit: int = SERIALS_PER_DOCUMENT, *, ranges_allowed: bool = True) -> SerialReading:
    """``serials`` as entered, in order; ``groups[i]`` is the item of serial i (repeats count within an item).

    A scanned GS1 barcode stands for the serial of its AI 21. An entry written as a range stands for each
    serial of it, repeats included, while the entries' ranges hold at most ``limit`` serials together (the
    posting refuses more); past it a range is not expanded. ``ranges_allowed`` False reads every entry as
    one serial (a file's rows, whose ranges are already expanded).
    """
    readings = [_read(serial) for serial in serials]
    read = [serial for serial, _, _ in readings]
    scans = [scan for _, scan, _ in readings]
    problems: list[str | None] = [problem for _, _, problem in readings]
    keys = [serial_key(serial) for serial in read]
    groups = list(groups) if groups is not None else [None] * len(read)
    ranges: list[dict | None] = [None] * len(read)
    stands_for = [[key] if key else [] for key in keys]  # the keys each entry stands for
    room = limit
    for index, text in enumerate(read if ranges_allowed else ()):
        if scans[index] is not None or problems[index]:
            continue  # a scan is one serial, whatever its AI 21 looks like
        try:
            found = read_range_notation(text)
        except InvalidInput as exc:
            problems[index], stands_for[index] = exc.message, []
            continue
        if found is None:
            continue
        if found.count > room:
            problems[index] = f"{found} holds more serials than one document takes (at most {limit:,})."
            stands_for[index] = []
            continue
        room -= found.count
        ranges[index] = {"count": found.count, "first": found.first, "last": found.last}
        stands_for[index] = [serial_key(serial) for serial in found.serials()]
    counts = Counter((group, key) for group, entry in zip(groups, stands_for) for key in entry)
    repeated = [any(counts[group, key] > 1 for key in entry) for group, entry in zip(groups, stands_for)]
    return SerialReading(read, keys, repeated, scans, ranges, problems)


def entered_serials_request(entries: list[str]) -> dict:
    """The S/N fields' entries in the API's shape: single serials under ``serials``, each range under
    ``serial_ranges`` (not checked here: the posting reads it, and refuses it in the clerk's words)."""
    serials, ranges = [], []
    for entry in entries:
        # Decided as read_entered_serials decides it, so what the screen showed as a range is sent as one:
        # a GS1 scan (or a text that fails as one) is one serial; a range is read from the text a symbology
        # identifier such as "]A0" left.
        serial, scan, problem = _read(entry)
        written = None if scan is not None or problem else range_notation(serial)
        if written is None:
            serials.append(entry)
        else:
            ranges.append(written)
    return {**({"serials": serials} if serials or not ranges else {}),
            **({"serial_ranges": ranges} if ranges else {})}


def read_uploaded_serials(data: bytes | str, field: str,
                          limit: int = SERIALS_PER_DOCUMENT) -> tuple[str, SerialReading]:
    """The file's text and its serials, repeats flagged rather than refused (the posting refuses them).

    Range rows stand for their serials. Raises InvalidInput, naming ``field``, for a file that is not
    UTF-8 / UTF-16 text or not readable CSV, a range row that does not read, or ranges past ``limit``.
    """
    text = decode_csv(data, field)
    return text, read_entered_serials(serial_column(text, field, limit).serials, ranges_allowed=False)
