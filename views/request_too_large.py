"""A screen's request larger than the app takes (413): the clerk is told so on the page they came from."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from sos_serial.limits import request_too_large_message


def back_to_the_form() -> str:
    # The page the clerk posted from (a same-site referrer), else Home: the posted URL itself may
    # take POST only. Nothing of the request was read, so nothing was saved.
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc == request.host and parts.scheme in ("http", "https"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("admin.index")


def request_too_large(exc: RequestEntityTooLarge):
    message = request_too_large_message(request.max_content_length)
    # The form's scripts (the serial check) ask for JSON and show its "error".
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": message}), 413
    flash(message, "error")
    return redirect(back_to_the_form(), code=303)


def init_app(app) -> None:
    # The API's blueprints answer their own 413 as problem+json; this serves every other route.
    app.register_error_handler(RequestEntityTooLarge, request_too_large)
