"""Warranty periods in calendar days, months or years; a short target month ends on its last day."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from sos_serial.errors import InvalidInput


def add_period(start: date, duration: int, unit: str) -> date:
    """start + duration units: 2028-01-31 + 1 month = 2028-02-29; 2024-02-29 + 1 year = 2025-02-28."""
    if unit == "days":
        return start + timedelta(days=duration)
    months = duration * 12 if unit == "years" else duration
    if unit not in ("months", "years"):
        raise ValueError(f"unknown warranty unit {unit!r}")
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def warranty_end(start: date, warranty) -> date:
    try:
        return add_period(start, warranty.duration, warranty.unit)
    except (ValueError, OverflowError):
        raise InvalidInput(
            f"The warranty {warranty.name} ({warranty.duration} {warranty.unit}) starting on "
            f"{start.isoformat()} would end after the year 9999; check the document's date and the "
            "warranty's duration.") from None
