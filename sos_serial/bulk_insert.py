"""Bulk inserts for the posting: rows of plain values straight to the driver.

A 100,000-serial receipt writes 300,000 rows. Building them through SQLAlchemy's per-row
parameter processing costs more than the database's own work, so the posting hands tuples
to the driver: executemany on SQLite, COPY on PostgreSQL. Values must already be in their
stored form (money as ``money.to_storage`` integers); columns left out take their server
defaults (timestamps, version).
"""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError


def bulk_insert(session, table, columns: list[str], rows) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.dbapi_connection.cursor()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    else:
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    try:
        if postgres:
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Dates reach sqlite3 as ISO text through the adapter database.py registers.
            cursor.executemany(statement, rows)
    except dbapi.Error as exc:
        # Surface driver errors as SQLAlchemy's (IntegrityError, ...), as every other statement does.
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()
