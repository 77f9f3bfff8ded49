"""The SQL statements the app's engine sends while a test does something, as the database received them."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from sos_serial.extensions import db


@contextmanager
def statements_sent(app=None):
    """Within the block, every statement the app's engine sends is appended to the list yielded.

    ``app``: the app whose engine to watch, when the block runs outside its context (a test client's
    requests); inside an app context the current app's engine is watched."""
    if app is not None:
        with app.app_context():
            engine = db.engine
    else:
        engine = db.engine
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)
