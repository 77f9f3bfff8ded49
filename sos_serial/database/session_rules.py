"""Which plugin manager's hooks check a session's writes: a registry keyed by the database engine.

The engine and the ORM guard call the rule hooks without Flask, so they cannot ask
``current_app`` for them. The session's engine is the one thing every caller's session
already carries: Flask-SQLAlchemy makes one engine per app, and a plain ``Session(bind=engine)``
of a script or benchmark binds to the same engine. The session factory cannot carry them
(Flask-SQLAlchemy shares one factory between every app of a process, and tests build several
apps with different plugins), and ``session.info`` would have to be filled in on every new
session. ``create_app`` binds each app's hooks to its engine once (``plugins.init_app``).
"""
from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy.engine import Connection, Engine

_BOUND: WeakKeyDictionary = WeakKeyDictionary()  # engine -> the pluggy hook relay of its app


def bind_rules(engine: Engine, hook_relay) -> None:
    """Check every write through ``engine`` with ``hook_relay`` (a plugin manager's ``.hook``)."""
    _BOUND[engine] = hook_relay


def rules_of(session):
    """The hook relay whose rules check ``session``'s writes."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    try:
        return _BOUND[engine]
    except KeyError:
        raise RuntimeError(
            "No rules are bound to this session's database engine, so nothing it writes could be checked. "
            "Build the app with sos_serial.create_app(), or call "
            "sos_serial.database.session_rules.bind_rules(engine, plugin_manager.hook) first.") from None
