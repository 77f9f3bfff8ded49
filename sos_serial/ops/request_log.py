"""The one log line per request: method, route, path, status, duration, user, request id and client address."""
from __future__ import annotations

import logging
import time

from flask import g, request
from sqlalchemy.exc import SQLAlchemyError

from sos_serial.security.request_id import request_id

log = logging.getLogger("sos_serial.requests")


def _start() -> None:
    g.sos_request_started = time.perf_counter()


def _user_name() -> str | None:
    # Only a user this request already loaded: asking Flask-Login here would cost a static file or a health
    # check a query. The API keeps its token's user in g.api_user; a screen's session user is Flask-Login's.
    user = g.get("api_user") or g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.username
    except SQLAlchemyError:  # the request's session could not reload it (the database went away): no name
        return None


def _log_request(response):
    started = g.get("sos_request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    rule = request.url_rule
    fields = {
        "event": "request",
        "method": request.method,
        # The URL rule groups the requests of one screen or endpoint whatever the ids in the path.
        "route": rule.rule if rule is not None else None,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": duration_ms,
        "user": _user_name(),
        "request_id": request_id(),
        "remote_addr": request.remote_addr,
    }
    log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code, duration_ms or 0.0,
             extra={"fields": fields})
    return response


def init_app(app) -> None:
    # First of the before-request functions, so a request another one refuses (a control character) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # Registered before the screens' and the API's own after-request functions, so it runs after them (Flask
    # runs them newest first) and logs the status the client gets.
    app.after_request(_log_request)
