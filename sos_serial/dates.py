"""Dates as the module reads them from people and programs: YYYY-MM-DD, nothing else."""
from __future__ import annotations

import re
from datetime import date

# Python's date.fromisoformat also reads "20260105", "2026-W01-1" and "2026-001"; one form is clear to everyone.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATE_FORM = "YYYY-MM-DD"


def iso_date(value) -> date | None:
    """``value`` read as a YYYY-MM-DD date; None for anything else (another ISO form, a bad day, not text)."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
