"""Bookkeeping writes that must not hold up a request: on a connection of their own, waiting briefly for the lock.

A sign-in, a token's last use or an audit entry is written beside what the request does. On SQLite a long
posting holds the whole database's write lock, and a sign-in must not queue behind it for the lock timeout
(30 s): such a write waits at most ``BRIEF_WAIT_MS`` and, if the lock is still held, is left undone and
logged, and the request goes on.
"""
from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .connections import lock_wait_ms

log = logging.getLogger(__name__)

BRIEF_WAIT_MS = 200


def write_briefly(engine: Engine, statement, what: str) -> bool:
    """Run ``statement`` and commit, waiting at most BRIEF_WAIT_MS for the lock; False (logged) if busy."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {BRIEF_WAIT_MS}" if sqlite
                             else f"SET LOCAL lock_timeout = '{BRIEF_WAIT_MS}ms'")
        try:
            conn.execute(statement)
            conn.commit()
            return True
        except OperationalError:
            conn.rollback()
            log.warning("Did not %s: the database is busy.", what)
            return False
        finally:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {lock_wait_ms(engine)}")
                conn.commit()
