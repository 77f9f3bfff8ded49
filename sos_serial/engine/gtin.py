"""The GTIN an item may carry: read from what a clerk or client types, its check digit verified.

GS1's rules (lengths 8, 12, 13 and 14, the mod-10 check digit) come from biip, the library the scanner
input is read with too, so an item's GTIN and the AI 01 of a scanned barcode are judged alike.
"""
from __future__ import annotations

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gtin import Gtin

from sos_serial.errors import FieldError, InvalidInput

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a GTIN, in the clerk's words; None when it is a valid one."""
    if not (text.isascii() and text.isdigit()) or len(text) not in GTIN_LENGTHS:
        return (f"The GTIN {text!r} must be 8, 12, 13 or 14 digits (found {len(text)} "
                f"character{'s' if len(text) != 1 else ''}).")
    try:
        Gtin.parse(text)
    except ParseError:
        expected = gs1_standard_check_digit(text[:-1])
        return f"The GTIN {text} has a wrong check digit: it ends in {text[-1]}, but its digits need {expected}."
    return None


def read_gtin(value: str | None, record: str) -> str | None:
    """``value`` trimmed, or None when blank; raises InvalidInput naming ``record`` when it is not a GTIN."""
    text = (value or "").strip()
    if not text:
        return None
    problem = gtin_problem(text)
    if problem:
        raise InvalidInput(f"{record}: {problem}", [FieldError("gtin", problem)])
    return text
