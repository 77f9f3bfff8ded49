"""The health checks a load balancer or orchestrator asks: /healthz (the process answers) and /readyz (its database
is reachable and at the newest migration)."""
from __future__ import annotations

import logging
from typing import NamedTuple

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from sos_serial.extensions import db, migrate
from sos_serial.security.sign_in_limits import LIMITER_KEY

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
MIGRATIONS_KEY = "sos_serial.migrations_known"  # app.extensions: this code's revisions, read once


@bp.get("/healthz")
def healthz():
    # Touches nothing: a process that answers is alive, whatever its database is doing.
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    problems = database_problems()
    if problems:
        return jsonify(status="unavailable", problems=problems), 503
    return jsonify(status="ok")


class Migrations(NamedTuple):
    heads: frozenset[str]  # the newest revision of the module and of each plugin's branch, as `db upgrade` leaves them
    known: frozenset[str]  # every revision this code ships


def migrations() -> Migrations:
    found = current_app.extensions.get(MIGRATIONS_KEY)
    if found is None:
        from alembic.script import ScriptDirectory

        # Flask-Migrate's own config, with the plugins' folders added by their configure callback.
        script = ScriptDirectory.from_config(migrate.get_config())
        found = current_app.extensions[MIGRATIONS_KEY] = Migrations(
            frozenset(script.get_heads()), frozenset(r.revision for r in script.walk_revisions("base", "heads")))
    return found


def database_problems() -> list[str]:
    """What keeps this process from serving requests, for the operator; empty when it is ready.

    The database's own error text goes to the log only: this answer is open to anyone who can reach the port.
    """
    try:
        connection = db.engine.connect()
    except SQLAlchemyError as exc:
        log.warning("Not ready: the database cannot be reached: %s", exc)
        return ["The database cannot be reached (see the log for why)."]
    try:
        with connection:
            current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError as exc:
        log.warning("Not ready: the database's migration state cannot be read: %s", exc)
        return ["The database has no migration state: run `flask --app sos_serial db upgrade`."]
    ours = migrations()
    if current == ours.heads:
        return []
    unknown = sorted(current - ours.known)
    if unknown:
        return [(f"The database schema is at {', '.join(unknown)}, which this version of the app does not know: "
                f"it was migrated by a newer version.")]
    return [(f"The database schema is not at the newest migration ({', '.join(sorted(ours.heads))}): it is at "
            f"{', '.join(sorted(current)) or 'none'}. Run `flask --app sos_serial db upgrade`.")]


def init_app(app) -> None:
    app.register_blueprint(bp)
    # A probe every few seconds from one address must never use up that address's allowance.
    limiter = app.extensions.get(LIMITER_KEY)
    if limiter is not None:
        limiter.exempt(bp)
