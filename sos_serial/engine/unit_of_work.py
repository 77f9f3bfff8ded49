"""The unit of work: one writing transaction, committed whole or rolled back, its clashes told as a Conflict."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from sos_serial.database.connections import lock_timed_out
from sos_serial.database.constraints import describe_integrity_error
from sos_serial.database.guard import posting_scope
from sos_serial.database.unavailable import database_unavailable, rollback_quietly
from sos_serial.database.write_intent import begin_writing
from sos_serial.errors import Busy, Conflict, SerialInventoryError

ConflictTranslator = Callable[[IntegrityError], SerialInventoryError]


def conflict_from_constraint(exc: IntegrityError) -> SerialInventoryError:
    """The constraint's own message for the clerk (a name taken, a record still in use...)."""
    return Conflict(describe_integrity_error(exc))


@contextmanager
def unit_of_work(session: Session, conflict: ConflictTranslator = conflict_from_constraint,
                 posting: bool = False) -> Iterator[Session]:
    """Write through ``session`` in one transaction: committed when the block ends, rolled back if it raises.

    The transaction begins as a writing one whoever the caller is (on SQLite it holds the write
    lock from its first statement, so concurrent writers queue). A database constraint that
    refuses the commit, typically because another writer saved the same thing a moment before,
    reaches the caller as the error ``conflict`` makes of it, with nothing saved. ``posting``
    marks the writes as a transaction's posting for the rules (see ``posting_scope``). A write that
    waited for another writer's lock longer than the app allows (``SOS_SERIAL_LOCK_TIMEOUT_SECONDS``)
    reaches the caller as ``Busy``, with nothing saved; a database that cannot serve at all (unreachable, restarting,
    its disk full) as ``Unavailable``.
    """
    try:
        # On SQLite the lock is taken here, and the wait for it ends here when another save holds it too long.
        begin_writing(session)
        if posting:
            with posting_scope(session):
                yield session
                session.flush()
        else:
            yield session
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise conflict(exc) from None
    except OperationalError as exc:
        rollback_quietly(session)
        if lock_timed_out(exc):
            raise Busy() from None
        unavailable = database_unavailable(exc)
        if unavailable is not None:
            raise unavailable from None
        raise
    except BaseException:
        session.rollback()
        raise
