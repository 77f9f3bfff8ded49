"""Database engine set-up: SQLite as a safe embedded default, PostgreSQL as it comes; how long a write waits for a lock."""
from __future__ import annotations

import sqlite3
from datetime import date
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from sos_serial.limits import LOCK_TIMEOUT_SECONDS

from .write_intent import begins_writing

# The busy timeout of an engine not configured here (the lock timeout's default).
SQLITE_BUSY_TIMEOUT_MS = LOCK_TIMEOUT_SECONDS * 1000
# PostgreSQL's answers when a lock did not come in time, or a transaction lost a race it cannot finish:
# lock_not_available, serialization_failure, deadlock_detected. Each leaves nothing written.
_POSTGRES_BUSY = {"55P03", "40001", "40P01"}
_lock_wait_ms: WeakKeyDictionary[Engine, int] = WeakKeyDictionary()


def configure_engine(engine: Engine, lock_timeout_seconds: float = LOCK_TIMEOUT_SECONDS) -> None:
    """Set the engine up; a write waits at most ``lock_timeout_seconds`` for another writer's lock."""
    _lock_wait_ms[engine] = wait_ms = max(1, int(lock_timeout_seconds * 1000))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, wait_ms)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine, wait_ms)


def lock_wait_ms(engine: Engine) -> int:
    """How long, in milliseconds, a write through ``engine`` waits for a lock."""
    return _lock_wait_ms.get(engine, SQLITE_BUSY_TIMEOUT_MS)


def lock_timed_out(exc: BaseException) -> bool:
    """Whether ``exc`` says a write gave up waiting for another writer's lock (nothing of it was written)."""
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        return "database is locked" in str(orig) or "database table is locked" in str(orig)
    return getattr(orig, "sqlstate", None) in _POSTGRES_BUSY


def _configure_postgresql(engine: Engine, wait_ms: int) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A unit of work's writes wait for another writer's row locks this long, then give up whole,
        # instead of queueing without end behind a long posting. Reads take no such locks.
        if begins_writing(connection):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{wait_ms}ms'")


def _configure_sqlite(engine: Engine, wait_ms: int) -> None:
    # Bulk inserts hand dates to the driver directly: store them as ISO text, the form
    # SQLAlchemy's Date type uses on SQLite (sqlite3's own default adapter is deprecated).
    sqlite3.register_adapter(date, date.isoformat)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {wait_ms}")
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
