"""A database that cannot serve just now (unreachable, restarting, or out of disk): told apart, answered 503, sessions let go."""
from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, scoped_session

from sos_serial.errors import Unavailable

# PostgreSQL's answers when the server is going away or not serving yet: the connection_exception class (08...),
# admin_shutdown, crash_shutdown, cannot_connect_now. A connection that could not be opened (refused) carries no code.
_POSTGRES_GONE = {"57P01", "57P02", "57P03"}
_POSTGRES_DISK_FULL = "53100"


def database_unavailable(exc: BaseException) -> Unavailable | None:
    """The clerk's answer when ``exc`` says the database cannot serve at all just now; None for any other error."""
    if not isinstance(exc, OperationalError):
        return None
    orig = exc.orig
    if isinstance(orig, sqlite3.OperationalError):
        return Unavailable(Unavailable.DISK_FULL) if "disk is full" in str(orig) else None
    code = getattr(orig, "sqlstate", None)
    if code == _POSTGRES_DISK_FULL:
        return Unavailable(Unavailable.DISK_FULL)
    if exc.connection_invalidated or code is None or code.startswith("08") or code in _POSTGRES_GONE:
        return Unavailable()
    return None


def rollback_quietly(session: Session | scoped_session) -> None:
    """Roll back; a connection the server dropped is thrown away instead of failing the answer a second time."""
    try:
        session.rollback()
    except DBAPIError:
        # Nothing can be rolled back on a connection that is gone; the server dropped its transaction with it.
        (session() if isinstance(session, scoped_session) else session).invalidate()


def release_session(session: scoped_session) -> None:
    """Let the request's session go at the end of a request even when its connection died meanwhile."""
    try:
        session.remove()
    except DBAPIError:
        session().invalidate()
        session.remove()
