"""Statements over many rows at once: inserting them, and matching a column against a long list.

Bulk inserts: a 100,000-serial receipt writes 300,000 rows. Building them through SQLAlchemy's per-row
parameter processing costs more than the database's own work, so the posting hands tuples
to the driver in one statement per table: ``COPY`` on PostgreSQL, and on SQLite a single
``INSERT … SELECT`` over the rows passed as one JSON array. (An ``executemany`` of the same
rows runs one statement per row, each opening its own statement journal and foreign-key
checks: measured at about twice the time on a table of a million units.) Values must
already be in their stored form (money as ``money.to_storage`` integers, dates as dates);
columns left out take their server defaults (timestamps, version).
"""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError


def bulk_insert(session, table, columns: list[str], rows, same: dict | None = None) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's transaction.

    ``same`` holds the values every row shares ({column: value}); SQLite binds them once
    instead of carrying them in each row.
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
            statement = f"COPY {table.name} ({names}) FROM STDIN"
            shared = tuple(same.values())
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row((*row, *shared))
        else:
            picks = ", ".join([*(f"value ->> {n}" for n in range(len(columns))), *("?" * len(same))])
            statement = f"INSERT INTO {table.name} ({names}) SELECT {picks} FROM json_each(?)"
            listed = json.dumps(rows, default=_json_value, separators=(",", ":"))
            cursor.execute(statement, (*same.values(), listed))
    except dbapi.Error as exc:
        # Surface driver errors as SQLAlchemy's (IntegrityError, ...), as every other statement does.
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


def _json_value(value):
    # Dates are stored as ISO text on SQLite, the form SQLAlchemy's Date type reads back.
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"bulk_insert cannot store {type(value).__name__} values; convert them to their stored form")


def one_of(session, column, values):
    """``column IN values`` as one bound parameter, however many values there are.

    An ``IN (…)`` list gets a placeholder per value, and SQLAlchemy renders each one: for a
    100,000-serial document that rendering cost more than the query. PostgreSQL takes the
    list as one array (``= ANY(…)``); SQLite reads it from one JSON text (``json_each``).
    Both use the column's index.
    """
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    listed = func.json_each(bindparam(None, json.dumps(values, default=_json_value))).table_valued("value")
    return column.in_(select(listed.c.value))
