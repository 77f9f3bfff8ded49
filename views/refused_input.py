"""A screen's request holding a control character: the clerk reads which field, on the page they came from."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template_string, request

from sos_serial.security.request_input import ControlCharacterRefused

from .request_too_large import back_to_the_page

REFUSED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not accepted</title></head>
<body><h1>Not accepted</h1><p>{{ message }}</p><p><a href="{{ url_for('admin.index') }}">Home</a></p></body></html>"""


def control_character_refused(exc: ControlCharacterRefused):
    # The form's scripts (the serial check) ask for JSON and show its "error".
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": exc.message, "field": exc.field}), 400
    if request.method == "GET":
        # A link or a typed address: answering with a redirect could send the clerk round in a loop.
        return render_template_string(REFUSED_PAGE, message=exc.message), 400
    flash(exc.message, "error")
    return redirect(back_to_the_page(), code=303)


def init_app(app) -> None:
    # The API's blueprints answer it as problem+json (422 naming the field); this serves every other route.
    app.register_error_handler(ControlCharacterRefused, control_character_refused)
