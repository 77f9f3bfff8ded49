"""Which transactions take SQLite's write lock as they begin: those a unit of work opens to write.

SQLite lets one connection write at a time. A transaction that begins deferred and reads
before it writes cannot always wait for the lock when it comes to write (WAL refuses it at
once if another writer committed since its first read), so a transaction that will write
begins with ``BEGIN IMMEDIATE`` and queues on the busy timeout instead. Every other
transaction begins deferred: reads, from a page, the API, the CLI or a worker, never take
the lock and never wait behind a posting. PostgreSQL needs none of this and ignores it.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

# Execution option of the connection a writing unit of work begins its transaction on.
WRITES = "sos_serial_writes"
_WROTE = "sos_serial.database.wrote"  # session.info: this transaction has written already


def begin_writing(session: Session) -> None:
    """Make the session's transaction a writing one: on SQLite, begun with the write lock held.

    A transaction that has written already (or holds changes it will flush) is kept: it holds,
    or will take, the lock itself, and its writes belong to the caller. One that has only read
    is ended first, so that the unit of work reads what it changes under the lock.
    """
    if isinstance(session, scoped_session):
        session = session()  # the session of this thread or app context, which knows its transaction
    if session.in_transaction():
        if session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
            return
        session.rollback()
    session.connection(execution_options={WRITES: True})
    session.info[_WROTE] = True


def begins_writing(connection) -> bool:
    """Whether a transaction about to begin on ``connection`` was opened by a writing unit of work."""
    return bool(connection.get_execution_options().get(WRITES))


def _flushed(session, flush_context) -> None:
    session.info[_WROTE] = True


def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def install(session_target) -> None:
    """Note, per session, whether its transaction has written; safe to call once per process."""
    if not event.contains(session_target, "after_flush", _flushed):
        event.listen(session_target, "after_flush", _flushed)
        event.listen(session_target, "do_orm_execute", _executed)
        event.listen(session_target, "after_transaction_end", _ended)
