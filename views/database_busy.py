"""A screen's save that could not get the write lock in time: the clerk is told to try again, never shown a 500."""
from __future__ import annotations

from flask import flash, jsonify, redirect, request
from sqlalchemy.exc import OperationalError

from sos_serial.database.connections import lock_timed_out
from sos_serial.errors import Busy
from sos_serial.extensions import db

from .request_too_large import back_to_the_page


def database_busy(exc: Exception):
    # Screens that show a form again (a transaction's entry, Flask-Admin's forms) answer Busy themselves,
    # keeping what the clerk typed; this serves every other write (signing out, a list action...).
    if isinstance(exc, OperationalError) and not lock_timed_out(exc):
        raise exc
    db.session.rollback()
    busy = exc if isinstance(exc, Busy) else Busy()
    if request.accept_mimetypes.best == "application/json":
        response = jsonify({"error": busy.message})
        response.status_code = 503
    else:
        flash(busy.message, "error")
        response = redirect(back_to_the_page(), code=303)
    response.headers["Retry-After"] = str(busy.retry_after)
    return response


def init_app(app) -> None:
    # The API's blueprints answer their own, as problem+json.
    app.register_error_handler(Busy, database_busy)
    app.register_error_handler(OperationalError, database_busy)
