"""Serial search: by the start of a serial (an index range), by a serial exactly, and "find anything": any part
of the serial, the item's name or SKU, the customer's or the location's name. A scanned GS1 barcode searches
for the serial of its AI 21 (engine/gs1.py)."""
from __future__ import annotations

from sqlalchemy import and_, func, or_, select, text

from sos_serial.engine.gs1 import search_text
from sos_serial.models import Customer, Item, Location, SerialUnit
from sos_serial.models.serial_search_index import SQLITE_TABLE
from sos_serial.models.serial_unit import serial_key

# Greater than any character a serial can hold, so key >= q and key < q + this is "starts with q".
_AFTER_ANY = "\U0010ffff"
# Trigram indexes need three characters; a shorter text is matched at the start of serials instead.
TRIGRAM = 3
# A search whose words name more records than this is too broad to be a question about names:
# the names beyond it are left out of the match rather than put in a query of unbounded length.
NAMES_MAX = 5_000
# Trigrams of a serial text SQLite's index is asked for (the rest of the text is checked on the candidates).
SQLITE_TRIGRAMS = 3


def prefix_conditions(q: str | None) -> list:
    """Conditions for "serial starts with q": a range on serial_key, which both databases index."""
    q = serial_key(search_text(q) or "")
    if not q:
        return []
    return [SerialUnit.serial_key >= q, SerialUnit.serial_key < q + _AFTER_ANY]


def exact_conditions(q: str | None) -> list:
    """Conditions for "serial is q", compared as serials are (trimmed, letter case folded)."""
    return [SerialUnit.serial_key == serial_key(search_text(q) or "")]


def anything_conditions(session, q: str | None) -> list:
    """Conditions for "q is anywhere in the unit's serial, item name or SKU, customer or location name".

    The serial is compared by key (look-alikes and case folded) through the trigram index of each database;
    the names, case-insensitively, in their own small tables first, so the units are then found by item,
    customer or location id through those indexes. A text of one or two characters, which a trigram index
    cannot serve, matches the start of serials (an index range) and anywhere in the names."""
    text_ = (search_text(q) or "").strip()
    key = serial_key(text_)
    if not key:
        return []
    serial = _serial_contains(session, key) if len(key) >= TRIGRAM else and_(*prefix_conditions(key))
    pattern = "%" + _like_escaped(text_) + "%"
    matches = [serial]
    for column, condition in (
            (SerialUnit.item_id, select(Item.id).where(or_(Item.name.ilike(pattern, escape="\\"),
                                                            Item.sku.ilike(pattern, escape="\\")))),
            (SerialUnit.customer_id, select(Customer.id).where(Customer.name.ilike(pattern, escape="\\"))),
            (SerialUnit.location_id, select(Location.id).where(Location.name.ilike(pattern, escape="\\")))):
        ids = session.scalars(condition.order_by(condition.selected_columns[0]).limit(NAMES_MAX)).all()
        if ids:
            # Literal ids, not a subquery: each is then an index condition the planner can combine (BitmapOr).
            # "IS NOT NULL" lets SQLite use the partial place indexes, which hold only units with that place.
            matches.append(and_(column.in_(ids), column.isnot(None)) if column is not SerialUnit.item_id
                           else column.in_(ids))
    return [or_(*matches)]


def _serial_contains(session, key: str):
    if session.get_bind().dialect.name == "postgresql":
        # The key column is case-folded already; LIKE over the pg_trgm index (backslash is LIKE's escape).
        return SerialUnit.serial_key.like("%" + _like_escaped(key) + "%")
    # FTS5's trigram index finds the units holding a few of the text's trigrams (a MATCH reads only their lists;
    # its GLOB and LIKE recheck every candidate and took 0.4 s at a million units); instr() then keeps the units
    # whose key holds the whole text.
    match = " ".join('"' + trigram.replace('"', '""') + '"' for trigram in _cover(key))
    candidates = select(text("rowid")).select_from(text(SQLITE_TABLE)).where(
        text(f"{SQLITE_TABLE} MATCH :trigrams").bindparams(trigrams=match))
    return and_(SerialUnit.id.in_(candidates), func.instr(SerialUnit.serial_key, key) > 0)


def _cover(key: str) -> list[str]:
    """Trigrams of ``key`` that between them touch every character, at most SQLITE_TRIGRAMS of them, spread out:
    each more trigram narrows the candidates but costs reading its list of units."""
    starts = sorted({*range(0, len(key) - TRIGRAM + 1, TRIGRAM), len(key) - TRIGRAM})
    if len(starts) > SQLITE_TRIGRAMS:
        step = (len(starts) - 1) / (SQLITE_TRIGRAMS - 1)
        starts = sorted({starts[round(i * step)] for i in range(SQLITE_TRIGRAMS)})
    return [key[start:start + TRIGRAM] for start in starts]


def _like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
