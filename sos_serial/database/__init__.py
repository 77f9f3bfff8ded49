"""Database adapters: engine set-up, SQLite's write lock, bulk inserts, trigger switching, statements, the guard."""
from __future__ import annotations


def init_app(app) -> None:
    from sos_serial.extensions import db
    from sos_serial.limits import LOCK_TIMEOUT_SECONDS

    from . import guard, write_intent
    from .connections import configure_engine
    from .unavailable import release_session

    with app.app_context():
        configure_engine(db.engine, app.config.get("SOS_SERIAL_LOCK_TIMEOUT_SECONDS", LOCK_TIMEOUT_SECONDS))
    guard.install(db.session)
    write_intent.install(db.session)
    # Runs before Flask-SQLAlchemy's own teardown (Flask calls them last registered first), so a session whose
    # connection the database dropped mid-request is let go instead of turning the answer into a bare 500.
    app.teardown_appcontext(lambda _exc: release_session(db.session))
