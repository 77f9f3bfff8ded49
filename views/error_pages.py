"""The screens' error pages (403, 404, 409, 422, 500, 503...): inside the admin layout, with the menu, a way back and the request id."""
from __future__ import annotations

import logging

from flask import current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db

from .request_too_large import back_to_the_page

log = logging.getLogger(__name__)

# The extension key under which the app keeps the page maker: the API's handler of an unmatched path
# (app-wide, since no blueprint matched) hands a path outside the API to it.
ERROR_PAGE_KEY = "sos_serial.error_page"

# What each answer means to a clerk, and what they can do about it.
WORDS = {
    400: ("Not accepted", "The request could not be read. Go back and try again."),
    403: ("Not allowed", "Your role may not open this page. Ask an administrator if you need it."),
    404: ("Not found", "There is no such page or record: it may have been deleted, or the address is mistyped."),
    405: ("Not allowed here", "This page cannot be used that way. Go back and use the page's buttons."),
    409: ("Changed meanwhile", "The record changed while you worked on it; nothing was saved. Reload and try again."),
    422: ("Not accepted", "Something in what was sent cannot be accepted; nothing was saved."),
    500: ("Something went wrong", "Something went wrong on the server; nothing was saved. "
                                  "If it happens again, tell your administrator the request id below."),
    503: ("Busy", "The inventory is busy or not available just now; nothing was saved. Try again in a moment."),
}


def error_page(exc: HTTPException, *, title: str | None = None, text: str | None = None):
    """The page for an HTTP error of a screen, inside the admin layout; ``title`` and ``text`` say more than the code's."""
    code = exc.code or 500
    words = WORDS.get(code, (exc.name, exc.description or ""))
    # A description given where the error was raised (abort(404, description=...)) says more than the code's words.
    given = exc.description if exc.description != type(exc).description else None
    title, text = title or words[0], text or given or words[1]
    if code >= 500:
        db.session.rollback()
    admin = current_app.extensions["admin"][0]
    # The Home view renders it: every page of the layout needs a view, and Home is the one all roles open.
    view = admin.index_view
    try:
        body = view.render("sos/error.html", code=code, title=title, text=text, back=_back())
    except Exception:  # noqa: BLE001 - the page must answer even if the layout itself failed
        log.exception("The error page could not be drawn in the layout")
        body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>"
    response = current_app.make_response((body, code))
    if isinstance(exc, HTTPException) and code == 405 and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _back() -> str | None:
    back = back_to_the_page()
    return None if back == request.full_path.rstrip("?") or back == request.path else back


def server_error(exc: InternalServerError):
    # An exception no handler took (Flask hands it here as a 500 once it is not propagated, as in tests).
    original = getattr(exc, "original_exception", None)
    if original is not None:
        log.error("Unexpected error in %s %s", request.method, request.path, exc_info=original)
    return error_page(exc)


def refusal_page(exc: SerialInventoryError):
    """A rule's refusal that no screen caught (the screens show most on their own form): its page, in its words."""
    db.session.rollback()
    http = default_exceptions.get(exc.status, InternalServerError)()
    if exc.status >= 500:
        log.error("A refusal reached no screen in %s %s: %s", request.method, request.path, exc.message)
    return error_page(http, text=exc.message)


def init_app(app) -> None:
    app.extensions[ERROR_PAGE_KEY] = error_page
    app.register_error_handler(HTTPException, error_page)
    # Busy has its own handler (database_busy.py), found first as the nearer class.
    app.register_error_handler(SerialInventoryError, refusal_page)
    app.register_error_handler(InternalServerError, server_error)
