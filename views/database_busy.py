"""A screen's save that could not get the write lock in time, or a database that cannot serve: told to try again, never a 500."""
from __future__ import annotations

import logging

from flask import flash, jsonify, make_response, redirect, request
from markupsafe import escape
from sqlalchemy.exc import OperationalError

from sos_serial.database.connections import lock_timed_out
from sos_serial.database.unavailable import database_unavailable, rollback_quietly
from sos_serial.errors import Busy, Unavailable
from sos_serial.extensions import db
from sos_serial.security.request_id import request_id

from .request_too_large import back_to_the_page

log = logging.getLogger(__name__)


def database_busy(exc: Exception):
    # Screens that show a form again (a transaction's entry, Flask-Admin's forms) answer Busy themselves,
    # keeping what the clerk typed; this serves every other write (signing out, a list action...).
    unavailable = database_unavailable(exc) if not isinstance(exc, Unavailable) else exc
    if unavailable is not None:
        return database_unavailable_page(unavailable)
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


def database_unavailable_page(unavailable: Unavailable):
    """A page (or JSON, for the page's scripts) saying the database cannot serve just now; nothing was saved.

    Not the layout's error page: drawing the menu reads the signed-in user from the very database that is away."""
    rollback_quietly(db.session)
    log.warning("The database could not serve %s %s: %s", request.method, request.path, unavailable.message)
    if request.accept_mimetypes.best == "application/json":
        response = jsonify({"error": unavailable.message})
    else:
        # Built by hand, not by a template: rendering one runs the context processors, and Flask-Login's reads
        # the signed-in user from the very database that is away.
        response = make_response(_PAGE.format(title=escape(unavailable.title), text=escape(unavailable.message),
                                              request_id=escape(request_id())))
    response.status_code = 503
    response.headers["Retry-After"] = str(unavailable.retry_after)
    return response


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p><p>Request id: {request_id}</p></body></html>
"""


def init_app(app) -> None:
    # The API's blueprints answer their own, as problem+json.
    app.register_error_handler(Busy, database_busy)
    app.register_error_handler(OperationalError, database_busy)
    app.register_error_handler(Unavailable, database_busy)
