"""Database adapters: engine set-up, bulk writes, constraint names and the ORM-event guard."""
from __future__ import annotations


def init_app(app) -> None:
    from sos_serial.extensions import db

    from .connections import configure_engine
    from .guard import install

    with app.app_context():
        configure_engine(db.engine)
    install(db.session)
