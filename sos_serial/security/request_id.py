"""The request id: taken from a sane incoming X-Request-Id or made here, returned on every answer, shown on error pages."""
from __future__ import annotations

import re
import secrets

from flask import g, has_request_context, request

HEADER = "X-Request-Id"
# What a proxy's id may look like to be kept: short, and only characters that are safe in a header,
# a log line and a page. Anything else is replaced by one made here, never echoed.
_SANE = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")


def request_id() -> str:
    """This request's id (made when first asked for), or "" outside a request."""
    if not has_request_context():
        return ""
    rid = g.get("sos_request_id")
    if rid is None:
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _SANE.fullmatch(incoming) else secrets.token_hex(12)
        g.sos_request_id = rid
    return rid


def add_request_id(response):
    response.headers[HEADER] = request_id()
    return response


def init_app(app) -> None:
    app.jinja_env.globals["request_id"] = request_id
    app.after_request(add_request_id)
