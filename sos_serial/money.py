"""Money: exact decimal amounts, stored as whole ten-thousandths so SQLite and PostgreSQL agree."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from sos_serial.errors import InvalidInput

SCALE = 4
_QUANTUM = Decimal(1).scaleb(-SCALE)  # 0.0001
_FACTOR = 10**SCALE
# Largest amount a 64-bit column can hold at this scale, rounded down to a readable bound.
MAX_AMOUNT = Decimal("100000000000000")


def to_money(value, field: str = "amount") -> Decimal:
    """Accept a JSON number or a decimal string; refuse anything else with a message naming the field."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{field} must be an amount such as \"149.99\".")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip()
    # Decimal also reads other scripts' digits (１２) and underscores (1_000): an amount is written in ASCII
    # digits, as the ids and pages are.
    if not text.isascii() or "_" in text:
        raise InvalidInput(f"{field} must be an amount such as \"149.99\", not {value!r}.")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} must be an amount such as \"149.99\", not {value!r}.") from None
    if not amount.is_finite():
        raise InvalidInput(f"{field} must be a finite amount, not {value!r}.")
    if abs(amount) >= MAX_AMOUNT:
        raise InvalidInput(f"{field} is too large: {value}.")
    return amount.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None) -> str | None:
    """"149.99", "150.00", "33.3333": two decimals at least, more only where they carry value."""
    if amount is None:
        return None
    amount = Decimal(amount).quantize(_QUANTUM)
    text = f"{amount:.{SCALE}f}"
    whole, frac = text.split(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{whole}.{frac}"


class Money(TypeDecorator):
    """A Decimal in Python, a BIGINT of ten-thousandths in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(Decimal(value).quantize(_QUANTUM, rounding=ROUND_HALF_UP) * _FACTOR)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / _FACTOR).quantize(_QUANTUM)


def to_storage(amount: Decimal) -> int:
    """The stored integer for an amount, for bulk statements that skip the type."""
    return int(Decimal(amount).quantize(_QUANTUM, rounding=ROUND_HALF_UP) * _FACTOR)
