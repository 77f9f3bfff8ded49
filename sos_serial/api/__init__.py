"""The JSON API, version 1 (API.md): token auth, problem+json errors, and the endpoint modules.

For a plugin's routes: ``Shape`` (a request body: exact JSON types, unknown fields refused) and
``Answer`` (a response read from a record's attributes) to build its pydantic models on.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from sos_serial.database.connections import lock_timed_out
from sos_serial.database.constraints import describe_integrity_error
from sos_serial.database.unavailable import database_unavailable, rollback_quietly
from sos_serial.engine.plan_gating import require_serial_tracking
from sos_serial.errors import (
    Busy,
    Conflict,
    FieldError,
    PermissionDenied,
    SerialInventoryError,
    Unavailable,
)
from sos_serial.extensions import csrf, db
from sos_serial.limits import MAX_ID, request_too_large_message
from sos_serial.security import sign_in_limits
from sos_serial.security.auth import can, check_token
from sos_serial.security.request_id import request_id

from .rights import PUBLIC_ENDPOINTS, route_right
from .schemas.common import Answer, Shape

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Unauthorized(SerialInventoryError):
    status = 401
    title = "Unauthorized"


def problem(status: int, title: str, detail: str, errors: list[FieldError] | None = None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "errors": [e.as_dict() for e in errors or []], "request_id": request_id()}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sos-serial"'
    return response


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return problem(401, "Unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'. "
                       "An administrator issues one with: flask --app sos_serial users token NAME")
    wait = sign_in_limits.token_checks_refused_for()
    if wait is not None:
        # Too many bad tokens from this address: refused before the token is looked at, good or bad alike,
        # so guessing learns nothing until the window ends.
        response = problem(429, "Too Many Requests", "Too many unknown or refused API tokens from this address. "
                           f"Try again in {wait} seconds.")
        response.headers["Retry-After"] = str(wait)
        return response
    checked = check_token(token.strip())
    if checked.user is None:
        sign_in_limits.note_token_failure()
        return problem(401, "Unauthorized", f"{checked.refusal} Send a valid API token as "
                       "'Authorization: Bearer <token>'. An administrator issues one with: "
                       "flask --app sos_serial users token NAME")
    g.api_user = checked.user
    return None


@bp.before_request
def route_allowed():
    # Every route of the module by the one map (api/rights.py), before anything of the request is read.
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    require(route_right(request.endpoint))
    return None


@bp.before_request
def ids_in_range():
    # An id no database column can hold is an unknown id, not a query to send (it would overflow there).
    if any(isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()):
        raise NotFound()


# The routes of serial units: none answers on a plan without serial tracking (engine/plan_gating.py).
SERIAL_ENDPOINTS = frozenset({"api.list_serials", "api.get_serial", "api.serial_history", "api.available_serials",
                              "api.add_serial", "api.change_serial", "api.renumber_serial", "api.serial_labels",
                              "api.document_labels", "api.create_stock_count", "api.list_stock_counts",
                              "api.get_stock_count", "api.scan_into_stock_count", "api.stock_count_serials",
                              "api.close_stock_count", "api.change_stock_count"})


@bp.before_request
def serial_plan():
    if request.endpoint in SERIAL_ENDPOINTS:
        require_serial_tracking(db.session)


def require(right: str) -> None:
    if not can(g.api_user, right):
        raise PermissionDenied(f"The {g.api_user.role} role may not do this.")


@bp.errorhandler(SerialInventoryError)
def _domain_error(exc: SerialInventoryError):
    rollback_quietly(db.session)
    response = problem(exc.status, exc.title, exc.message, exc.errors)
    if isinstance(exc, (Busy, Unavailable)):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.errorhandler(OperationalError)
def _database_busy(exc: OperationalError):
    # A write outside a unit of work that gave up waiting for the lock: the same answer as a save's.
    if lock_timed_out(exc):
        db.session.rollback()
        return _domain_error(Busy())
    # A read, or the token check, while the database is unreachable or out of disk: the same answer as a save's.
    unavailable = database_unavailable(exc)
    if unavailable is not None:
        log.warning("The database could not serve %s %s: %s", request.method, request.path, exc.orig)
        return _domain_error(unavailable)
    return _unexpected(exc)


@bp.errorhandler(IntegrityError)
def _integrity_error(exc: IntegrityError):
    db.session.rollback()
    return problem(409, "Conflict", describe_integrity_error(exc))


# 413 by its own code as well: the screens' handler of 413 is the app's, and Flask looks for a handler
# of the code (blueprint, then app) before one of a class such as HTTPException.
@bp.errorhandler(RequestEntityTooLarge)
@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    db.session.rollback()
    detail = {404: "There is no such record or endpoint.", 405: "That method is not allowed here.",
              400: "The request body is not valid JSON.",
              413: request_too_large_message(request.max_content_length)}.get(exc.code, exc.description)
    return problem(exc.code or 500, exc.name, detail)


@bp.errorhandler(DataError)
@bp.errorhandler(OverflowError)
def _out_of_range(exc: Exception):
    # A value that passed the checks but that the database cannot hold (a number past its range,
    # a NUL character PostgreSQL text refuses): bad input, not a server fault.
    db.session.rollback()
    log.warning("Refused a value the database cannot hold in %s %s: %s", request.method, request.path, exc)
    return problem(422, "Invalid input", "A value in the request is out of the range the inventory can store "
                   "(a number too large, or a character text cannot hold). Nothing was saved.")


def _routing_error(exc: HTTPException):
    # No API endpoint matched (unknown path, wrong method): still answer the API's way under its prefix.
    if request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/"):
        return _http_error(exc)
    # Elsewhere the screens' error page, in the admin layout (views/error_pages.py puts it in the extensions).
    error_page = current_app.extensions.get("sos_serial.error_page")
    return error_page(exc) if error_page is not None else exc


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    rollback_quietly(db.session)
    log.exception("Unexpected error in %s %s", request.method, request.path)
    return problem(500, "Internal error", "Something went wrong on the server; nothing was saved.")


def api_blueprint(name: str) -> Blueprint:
    """Another blueprint under /api/v1 answering the API's way: the bearer token, the id range check and
    problem+json for every error. The plugins' routes are served by one, made per app: ``bp`` is shared
    by every app, and Flask takes no new rules on a blueprint once it is registered."""
    blueprint = Blueprint(name, __name__, url_prefix=bp.url_prefix)
    blueprint.before_request(authenticate)
    blueprint.before_request(ids_in_range)
    for error, handler in ((SerialInventoryError, _domain_error), (IntegrityError, _integrity_error),
                           (OperationalError, _database_busy),
                           (RequestEntityTooLarge, _http_error), (HTTPException, _http_error), (DataError, _out_of_range), (OverflowError, _out_of_range),
                           (Exception, _unexpected)):
        blueprint.register_error_handler(error, handler)
    csrf.exempt(blueprint)
    return blueprint


def init_app(app) -> None:
    from . import (  # noqa: F401  (routes)
        audit,
        items,
        labels,
        master_data,
        openapi,
        serials,
        settings,
        stock_counts,
        transactions,
        webhooks,
    )
    from .plugin_routes import add_plugin_routes

    csrf.exempt(bp)
    app.register_blueprint(bp)
    add_plugin_routes(app)
    app.register_error_handler(404, _routing_error)
    app.register_error_handler(405, _routing_error)


__all__ = ["Answer", "Conflict", "Shape", "api_blueprint", "bp", "init_app", "problem", "require"]
