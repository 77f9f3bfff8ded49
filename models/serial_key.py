"""A serial number's key: the form serials are compared, found and kept unique by, so two that look alike are one.

The key is the serial trimmed, in NFKC form, case-folded, and with each character that Unicode's
confusables data (UTS #39, as ICU ships it) lists as looking like another replaced by the character it
looks like: ``СLK-0002`` (Cyrillic С), ``ＣＬＫ-0002`` (fullwidth) and ``CLK‑0002`` (a non-breaking hyphen)
all have the key of ``CLK-0002``, and a composed ``Ĺ`` and a decomposed ``L`` + accent are one serial.

ASCII characters keep their own identity: ``0`` and ``O``, ``1``, ``l`` and ``I``, ``rn`` and ``m`` stay
apart as they always were, because real numbering schemes use both sides of those pairs and a key of
zero-padded numbers must keep sorting in numeric order (automatic numbering reads a run of numbers as one
range of keys). So an all-ASCII serial's key is what it always was, worked out without Unicode tables,
which keeps a 100,000-serial receipt fast; only a character outside ASCII is looked up, once, in a table
that fills as characters are met.
"""
from __future__ import annotations

import unicodedata

import icu

# ICU's skeleton (UTS #39, section 4) of one character: what it is mistaken for.
_SPOOF_CHECKER = icu.SpoofChecker()
# Rounds of folding a character's look-alike again, until it stands still (two suffice for the data).
_MAX_ROUNDS = 4


def serial_key(serial_number: str) -> str:
    """The form a serial number is compared in: trimmed, NFKC, case folded, look-alike characters mapped."""
    trimmed = serial_number.strip()
    if trimmed.isascii():
        # What the steps below give for ASCII text, at a fraction of the cost.
        return trimmed.lower()
    return _fold(trimmed).strip()


def looks_alike(serial_number: str, other: str) -> bool:
    """Whether two serials share a key although they differ beyond letter case and surrounding spaces."""
    return (serial_number.strip().casefold() != other.strip().casefold()
            and serial_key(serial_number) == serial_key(other))


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", folded).translate(_LOOKALIKES))


class _LookalikeTable(dict):
    """code point -> what the character is compared as (decomposed), filled the first time a character is met.

    ``str.translate`` reads it; ASCII code points map to themselves. A character's entry is its skeleton,
    normalised and case-folded like the key, repeated until it no longer changes, so the key of a key is
    itself."""

    def __missing__(self, code_point: int) -> str:
        self[code_point] = entry = _compared_as(chr(code_point))
        return entry


def _compared_as(character: str) -> str:
    if character.isascii():
        return character
    current = character
    for _ in range(_MAX_ROUNDS):
        # ICU maps ASCII characters too (0 -> O, m -> rn); the key keeps them as they are.
        mapped = "".join(ch if ch.isascii() else _SPOOF_CHECKER.getSkeleton(0, ch) for ch in current)
        following = unicodedata.normalize(
            "NFD", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", mapped).casefold()))
        if following == current:
            break
        current = following
    return current


_LOOKALIKES = _LookalikeTable()


# Shown as nothing at all, though printable by Python's measure: the characters Unicode marks default
# ignorable (variation selectors, the combining grapheme joiner, Hangul fillers...) and the blank braille
# pattern. A serial holding one would look exactly like the serial without it.
_BLANK_PRINTABLES = frozenset({"\u2800"})


def is_invisible(character: str) -> bool:
    """Whether ``character`` shows as nothing: not printable, default ignorable, or a blank pattern."""
    return (not character.isprintable() or character in _BLANK_PRINTABLES
            or (not character.isascii()
                and icu.Char.hasBinaryProperty(character, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT)))
