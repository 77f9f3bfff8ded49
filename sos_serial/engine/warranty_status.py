"""Whether a unit is under warranty today, in words a support desk reads out."""
from __future__ import annotations

from datetime import date


def coverage(unit, today: date | None = None) -> tuple[str, str]:
    """(state, words): state is "none", "pending", "active" or "expired"."""
    today = today or date.today()
    if unit.warranty_end is None:
        if unit.warranty_id is not None and unit.warranty_start is None:
            return "pending", "Starts when the unit ships"
        return "none", "No warranty"
    if unit.warranty_start is not None and unit.warranty_start > today:
        return "pending", f"Starts on {unit.warranty_start.isoformat()}"
    left = (unit.warranty_end - today).days
    if left < 0:
        return "expired", f"Expired {-left} day{'s' if left != -1 else ''} ago"
    return "active", f"{left} day{'s' if left != 1 else ''} left" if left else "Ends today"
