"""Serials as a clerk enters them, read the way a posting will read them, for the entry screen to show.

The screen asks here instead of comparing serials itself: a serial is compared by
``serial_key`` (trimmed, case-folded, so "STRASSE" and "straße" are one serial), and an
uploaded file is read by ``serial_csv``, so what the screen flags is what the posting refuses.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sos_serial.engine.serial_csv import decode_csv, serial_column
from sos_serial.models.serial_unit import serial_key


@dataclass(frozen=True)
class SerialReading:
    serials: list[str]  # each as the posting stores it, trimmed; "" for a blank entry
    keys: list[str]  # what each is compared by
    repeated: list[bool]  # its key appears more than once in its group (its item)

    def as_json(self) -> dict:
        return {"serials": self.serials, "keys": self.keys, "repeated": self.repeated}


def read_entered_serials(serials: list[str], groups: list | None = None) -> SerialReading:
    """``serials`` as entered, in order; ``groups[i]`` is the item of serial i (repeats count within an item)."""
    read = [serial.strip() for serial in serials]
    keys = [serial_key(serial) for serial in read]
    groups = list(groups) if groups is not None else [None] * len(read)
    counts = Counter((group, key) for group, key in zip(groups, keys) if key)
    return SerialReading(read, keys, [bool(key) and counts[group, key] > 1 for group, key in zip(groups, keys)])


def read_uploaded_serials(data: bytes | str, field: str) -> tuple[str, SerialReading]:
    """The file's text and its serials, repeats flagged rather than refused (the posting refuses them).

    Raises InvalidInput, naming ``field``, for a file that is not UTF-8 / UTF-16 text or not readable CSV.
    """
    text = decode_csv(data, field)
    return text, read_entered_serials(serial_column(text, field).serials)
