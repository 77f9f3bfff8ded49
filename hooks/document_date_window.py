"""The dates a document may carry: from so many years back to so many days ahead, as the app's limits say."""
from __future__ import annotations

from datetime import date, timedelta

from sos_serial.errors import FieldError, InvalidInput
from sos_serial.hookspecs import hookimpl


@hookimpl(tryfirst=True)  # cheap, and a date out of range needs no history read
def validate_transaction(document, limits):
    earliest, latest = date_window(limits)
    if earliest <= document.date <= latest:
        return
    kind = document.kind.label.lower()
    message = (f"The {kind} is dated {document.date.isoformat()}: documents may be dated from "
               f"{earliest.isoformat()} to {latest.isoformat()} ({limits.document_years_back} years back to "
               f"{limits.document_days_ahead} days ahead). Check the date.")
    raise InvalidInput(message, [FieldError("date", message)])


def date_window(limits, today: date | None = None) -> tuple[date, date]:
    """The first and last dates a document may carry today."""
    today = today or date.today()
    year = today.year - limits.document_years_back
    if year < date.min.year:
        earliest = date.min
    elif today.month == 2 and today.day == 29:  # in a year without one, 28 February
        earliest = today.replace(year=year, day=28)
    else:
        earliest = today.replace(year=year)
    try:
        latest = today + timedelta(days=limits.document_days_ahead)
    except OverflowError:
        latest = date.max
    return earliest, latest
