"""Reading a serial as it is typed or scanned: a plain serial, or a GS1 element string whose AI 21 is the serial.

A text is read as GS1 only when it says so, so an ordinary serial is never taken apart:

- it starts with a GS1 symbology identifier, as a scanner set to send one does: ``]C1`` (GS1-128),
  ``]d2`` (GS1 DataMatrix), ``]Q3`` (GS1 QR Code), ``]e0`` (GS1 DataBar), ``]J1`` (GS1 DotCode);
- it holds a GS character (U+001D, the FNC1 a scanner sends between variable-length fields, or first
  when it sends no identifier);
- it starts with ``(01)`` and a digit: the human-readable form printed under a barcode, ``(01)09506000134352(21)ABC123``;
- or it is exactly ``01`` + a GTIN-14 with a valid check digit + ``21`` + 1 to 20 letters or digits: what
  a scanner sends without identifier when the serial is the last field (no GS needed). A serial of that
  shape cannot be told from a scan; 18 or more characters starting with a valid GTIN is not a serial
  anyone numbers by hand.

Any other symbology identifier (``]C0`` plain Code 128, ``]A0`` Code 39...) is taken off and the rest is
the serial. Otherwise the text passes through unchanged: "0123456" is the serial "0123456".

Only AI 21 is the serial. AI 01 (the GTIN, compared by the caller with the item's), AI 10 (lot), AI 17
(expiry) and AI 11 (production date) are read too; GS1 dates are YYMMDD, DD=00 meaning the month's last day
(biip reads them so). A text read as GS1 that biip cannot parse, or that carries no AI 21, is refused with
a message naming the text.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from biip import ParseError
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin

from sos_serial.errors import InvalidInput

GS = "\x1d"
# The symbology identifiers of the GS1 barcodes: the data after them is a GS1 element string.
GS1_IDENTIFIERS = ("]C1", "]d2", "]Q3", "]e0", "]J1")
# The other symbology identifiers a scanner may put before a plain serial: Code 39, Code 128, EAN/UPC, Codabar,
# Code 93, ITF, PDF417, QR Code, Data Matrix, DataBar, Aztec, each with its one modifier character.
SYMBOLOGY_IDENTIFIER = re.compile(r"\][ACEFGILQdez][0-9A-Za-z]")
PRINTED = re.compile(r"\(01\)[0-9]")
STRICT_DIGITS = re.compile(r"01([0-9]{14})21([0-9A-Za-z]{1,20})")


class UnreadableScan(InvalidInput):
    """A text that reads as a GS1 barcode but cannot be parsed, or carries no serial (AI 21)."""


@dataclass(frozen=True)
class Scan:
    """What one entered text says: the serial, and what a GS1 barcode carried besides."""

    serial: str
    gtin14: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    production_date: dt.date | None = None
    gs1: bool = False  # read from a GS1 element string

    @property
    def unit_data(self) -> dict:
        """The columns a received unit keeps from the scan (none for a plain serial)."""
        return {"lot": self.lot, "expiry_date": self.expiry, "production_date": self.production_date}

    @property
    def has_unit_data(self) -> bool:
        return any(value is not None for value in self.unit_data.values())


def _shown(text: str) -> str:
    return repr(text.replace(GS, "<GS>"))


def _gs1_body(text: str) -> str | None:
    """The element string ``text`` carries when it is read as GS1 (see the module's rules); None for a plain serial."""
    if text[:3] in GS1_IDENTIFIERS:
        return text[3:]
    if GS in text or PRINTED.match(text):
        return text
    found = STRICT_DIGITS.fullmatch(text)
    if found and _valid_gtin(found.group(1)):
        return text
    return None


def _valid_gtin(digits: str) -> bool:
    try:
        Gtin.parse(digits)
    except ParseError:
        return False
    return True


def may_be_scan(text: str) -> bool:
    """False for a text the reader would pass through unchanged, decided cheaply: a document of 100,000
    typed serials asks this of each and reads only the few that may be scans."""
    head = text.lstrip(" \t\r\n")[:2]
    return GS in text or head in ("01", "(0") or head[:1] == "]"


def read_scanned_serial(text: str) -> Scan:
    """``text`` as typed or scanned: a plain serial unchanged, or the serial of a GS1 element string and its data.

    Raises UnreadableScan for a text read as GS1 that does not parse or has no AI 21.
    """
    if not isinstance(text, str):
        return Scan(text)
    # A scanner ends its keystrokes with Enter, and a paste may carry spaces: neither is part of the barcode.
    trimmed = text.strip(" \t\r\n")
    body = _gs1_body(trimmed)
    if body is None:
        if SYMBOLOGY_IDENTIFIER.match(trimmed):
            return Scan(trimmed[3:])
        return Scan(text)
    body = body.strip(" \t\r\n")
    try:
        message = (GS1Message.parse_hri(body) if body.startswith("(") else GS1Message.parse(body.strip(GS)))
    except ParseError as exc:
        raise UnreadableScan(f"The scan {_shown(text)} could not be read as a GS1 barcode: {exc}") from None
    found = {element.ai.ai: element for element in message.element_strings}
    if "21" not in found:
        raise UnreadableScan(f"The scan {_shown(text)} carries no serial number (GS1 AI 21).")
    gtin14 = found["01"].value if "01" in found else None
    if gtin14 is not None and not _valid_gtin(gtin14):
        raise UnreadableScan(f"The scan {_shown(text)} carries the GTIN {gtin14}, whose check digit is wrong.")
    return Scan(serial=found["21"].value, gtin14=gtin14,
                lot=found["10"].value if "10" in found else None,
                expiry=found["17"].date if "17" in found else None,
                production_date=found["11"].date if "11" in found else None, gs1=True)


def search_text(text: str | None) -> str | None:
    """What a search box or ``?q=`` looks for: the serial a scan carries, else the text as typed."""
    if not text:
        return text
    try:
        return read_scanned_serial(text).serial
    except UnreadableScan:
        return text.replace(GS, "")


def gtin_mismatch(scan: Scan, item, item_with_gtin=None) -> str | None:
    """Why a scan's AI 01 does not fit ``item``, in the clerk's words; None when it fits or carries none.

    ``item_with_gtin``: the item that does carry the scanned GTIN, when there is one, to name it.
    """
    if scan.gtin14 is None or item.gtin14 == scan.gtin14:
        return None
    if not item.gtin14:
        return (f"{item.name} has no GTIN, but the scan of serial {scan.serial} carries the GTIN {scan.gtin14}: "
                f"give {item.name} its GTIN on the item's page, or enter the serial alone.")
    other = f" ({item_with_gtin.name})" if item_with_gtin is not None else " (no item has it)"
    return (f"The scan of serial {scan.serial} carries the GTIN {scan.gtin14}{other}, "
            f"but the line's item {item.name} has the GTIN {item.gtin14}.")


__all__ = ["GS", "Scan", "UnreadableScan", "gtin_mismatch", "may_be_scan", "read_scanned_serial", "search_text"]
