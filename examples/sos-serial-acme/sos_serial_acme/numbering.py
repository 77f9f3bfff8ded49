"""Task 2, a numbering scheme: chosen items are numbered PREFIX-YEAR-00001, counting afresh each year.

A line asks for automatic numbers only for an item that may be numbered: one with numbering of its
own (a prefix on the item's form) or with the company's numbering on. This hook answers before the
module's own numbering, which runs last, and lets it answer for every item not in ACME_YEAR_NUMBERING.
"""
from sqlalchemy import func, select

from sos_serial.hookspecs import hookimpl
from sos_serial.models import SerialUnit

from .settings import setting

WIDTH = 5


@hookimpl
def next_serial_numbers(session, item, count, date):
    prefix = setting("ACME_YEAR_NUMBERING").get(item.name)
    if prefix is None:
        return None  # not ours: the next plugin, or the module's own numbering, answers
    stem = f"{prefix}-{date.year}-"
    # The posting holds the item's row locked, so no other posting numbers this item meanwhile.
    last = session.scalar(select(func.max(SerialUnit.serial_number)).where(
        SerialUnit.item_id == item.id, SerialUnit.serial_number.like(stem + "%"),
        func.length(SerialUnit.serial_number) == len(stem) + WIDTH))
    start = int(last.removeprefix(stem)) + 1 if last else 1
    return [f"{stem}{number:0{WIDTH}d}" for number in range(start, start + count)]
