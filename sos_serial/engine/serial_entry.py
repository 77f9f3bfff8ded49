"""Serials as a clerk enters them, read the way a posting will read them, for the entry screen to show.

The screen asks here instead of comparing serials itself: a serial is compared by
``serial_key`` (trimmed, case-folded, so "STRASSE" and "straße" are one serial), a scanned GS1
barcode is read by ``gs1`` for its AI 21, and an uploaded file is read by ``serial_csv``, so what the
screen flags is what the posting refuses, and the clerk sees which serial a scan stands for.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sos_serial.engine.gs1 import UnreadableScan, may_be_scan, read_scanned_serial
from sos_serial.engine.serial_csv import decode_csv, serial_column
from sos_serial.models.serial_unit import serial_key


@dataclass(frozen=True)
class SerialReading:
    serials: list[str]  # each as the posting stores it, trimmed; "" for a blank entry
    keys: list[str]  # what each is compared by
    repeated: list[bool]  # its key appears more than once in its group (its item)
    # A scanned GS1 barcode's reading ({gtin14, lot, expiry_date, production_date}); None for a typed serial.
    scans: list[dict | None] = field(default_factory=list)
    # Why a text that reads as a GS1 barcode cannot be read; None otherwise.
    problems: list[str | None] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"serials": self.serials, "keys": self.keys, "repeated": self.repeated, "scans": self.scans,
                "problems": self.problems}


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


def read_entered_serials(serials: list[str], groups: list | None = None) -> SerialReading:
    """``serials`` as entered, in order; ``groups[i]`` is the item of serial i (repeats count within an item)."""
    readings = [_read(serial) for serial in serials]
    read = [serial for serial, _, _ in readings]
    keys = [serial_key(serial) for serial in read]
    groups = list(groups) if groups is not None else [None] * len(read)
    counts = Counter((group, key) for group, key in zip(groups, keys) if key)
    return SerialReading(read, keys, [bool(key) and counts[group, key] > 1 for group, key in zip(groups, keys)],
                         [scan for _, scan, _ in readings], [problem for _, _, problem in readings])


def read_uploaded_serials(data: bytes | str, field: str) -> tuple[str, SerialReading]:
    """The file's text and its serials, repeats flagged rather than refused (the posting refuses them).

    Raises InvalidInput, naming ``field``, for a file that is not UTF-8 / UTF-16 text or not readable CSV.
    """
    text = decode_csv(data, field)
    return text, read_entered_serials(serial_column(text, field).serials)
