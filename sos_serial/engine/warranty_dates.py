"""Warranty periods in calendar days, months or years; a short target month ends on its last day."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from sos_serial.errors import FieldError, InvalidInput

# Dates typed on a unit's warranty: none starts before this day, and none lasts longer than this many
# years (a lifetime warranty fits). 0001-01-01 or 9999-12-31 is a slip of the keyboard, not a warranty.
WARRANTY_EARLIEST_START = date(1900, 1, 1)
WARRANTY_LONGEST_YEARS = 100


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


def implausible_warranty_dates(serial: str, start: date | None, end: date | None) -> list[FieldError]:
    """Warranty dates typed for ``serial`` that no warranty has: a start before 1900, one lasting more than a
    hundred years, or an end alone outside those bounds; each named for the clerk. (An end before the start
    is the callers' own check.)"""
    problems = []
    if start is not None and start < WARRANTY_EARLIEST_START:
        problems.append(FieldError("warranty_start", f"The warranty of {serial} cannot start on {start.isoformat()}, "
                                   f"before {WARRANTY_EARLIEST_START.isoformat()}; check the year."))
    if start is None and end is not None and (end < WARRANTY_EARLIEST_START
                                              or (end - date.today()).days > WARRANTY_LONGEST_YEARS * 366):
        # An end alone: no warranty ends before 1900 or more than a hundred years from today.
        problems.append(FieldError("warranty_end", f"The warranty of {serial} cannot end on {end.isoformat()}; "
                                   "check the year."))
    if start is not None and end is not None and end >= start:
        if (end - start).days > WARRANTY_LONGEST_YEARS * 366:
            problems.append(FieldError("warranty_end", f"The warranty of {serial} from {start.isoformat()} to "
                                       f"{end.isoformat()} would last more than {WARRANTY_LONGEST_YEARS} years; "
                                       "check the year."))
    return problems
