"""Inserting many rows at once, in one statement per table, with plain values handed to the driver.

A 100,000-serial receipt writes 300,000 rows. Building them through
SQLAlchemy's per-row parameter processing costs more than the database's own work, so the
posting hands plain values to the driver in one statement per table: ``COPY`` on
PostgreSQL, and on SQLite a single ``INSERT … SELECT`` over the rows passed as one JSON array
(``json_each``, ``json_extract``). An ``executemany`` of the same rows runs one statement per
row, each opening its own statement journal and foreign-key checks: measured at about twice
the time on a table of a million units. Values must already be in their stored form (money
as ``money.to_storage`` integers, dates as dates); columns left out take their server
defaults (timestamps, version).
"""
from __future__ import annotations

import json
from datetime import date
from operator import itemgetter

from sqlalchemy.exc import DBAPIError

from .statements import json_value
from .trigger_switch import INSERT, Write, switched_triggers


def bulk_insert(session, table, columns: list[str], rows, same: dict | None = None, held=()) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's transaction.

    ``same`` holds the values every row shares ({column: value}); SQLite binds them once
    instead of carrying them in each row. ``held`` names the columns of ``columns`` whose
    referenced rows this transaction already holds: rows it inserted, or locked by updating them.
    """
    if not rows:
        return
    same = same or {}
    connection = session.connection()
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.dbapi_connection.cursor()
    names = ", ".join([*columns, *same])
    try:
        if connection.dialect.name == "postgresql":
            statement = f"COPY {table.name} ({names}) FROM STDIN"  # noqa: S608 - the model's own names; rows go as data
            with switched_triggers(connection, cursor, [Write(table, INSERT, tuple(columns), same, tuple(held))]):
                with cursor.copy(statement) as copy:
                    copy.write(_copy_text(rows, same.values()))
        else:
            picks = ", ".join([*(f"json_extract(value, '$[{n}]')" for n in range(len(columns))), *("?" * len(same))])
            # Safe: the model's own table and column names; every value is a bound parameter.
            statement = f"INSERT INTO {table.name} ({names}) SELECT {picks} FROM json_each(?)"  # noqa: S608
            listed = json.dumps(rows, default=json_value, separators=(",", ":"))
            cursor.execute(statement, (*same.values(), listed))
    except dbapi.Error as exc:
        # Surface driver errors as SQLAlchemy's (IntegrityError, ...), as every other statement does.
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


# COPY's text format, written here in one piece: psycopg's write_row, called once per row,
# took longer than the server needed to store the rows.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, date)):
        return str(value)  # a date's str() is its ISO form
    raise _unstorable(value)


def _copy_text(rows, shared) -> str:
    """The rows, then the shared values, as COPY text lines; encoded a column at a time."""
    # A column at a time by index: zip(*rows) over 100,000 rows took longer than encoding them.
    columns = [_copy_column(list(map(itemgetter(n), rows))) for n in range(len(rows[0]))]
    # The shared values end every line alike, so they are joined in with the line breaks.
    end = "".join(f"\t{_copy_field(value)}" for value in shared) + "\n"
    lines = columns[0] if len(columns) == 1 else map("\t".join, zip(*columns))
    return end.join(lines) + end


def _copy_column(values) -> list[str]:
    kinds = set(map(type, values))
    if kinds == {int}:
        return list(map(str, values))
    if kinds == {str}:
        text = "".join(values)
        if any(special in text for special in "\\\t\n\r"):
            return [value.translate(_COPY_ESCAPES) for value in values]
        return list(values)
    return [_copy_field(value) for value in values]


def _unstorable(value) -> TypeError:
    return TypeError(f"bulk_insert cannot store {type(value).__name__} values; convert them to their stored form")
