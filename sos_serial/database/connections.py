"""Database engine set-up: SQLite as a safe embedded default, PostgreSQL as it comes."""
from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .write_intent import begins_writing

SQLITE_BUSY_TIMEOUT_MS = 30_000


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    # Bulk inserts hand dates to the driver directly: store them as ISO text, the form
    # SQLAlchemy's Date type uses on SQLite (sqlite3's own default adapter is deprecated).
    sqlite3.register_adapter(date, date.isoformat)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not _is_memory(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        # A 64 MiB page cache (the default is 2 MiB): a big receipt updates seven indexes of a
        # table of a million units, and re-reading their pages from disk dominated its time.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A unit of work that writes takes the write lock at once, so two writers queue on the
        # busy timeout instead of one failing halfway when it upgrades a read lock; every other
        # transaction begins deferred and never waits behind a posting (see write_intent.py).
        connection.exec_driver_sql("BEGIN IMMEDIATE" if begins_writing(connection) else "BEGIN")


def _is_memory(engine: Engine) -> bool:
    database = engine.url.database
    return not database or database == ":memory:" or database.startswith("file::memory:")
