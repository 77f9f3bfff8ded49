"""A request's JSON body and query string, read into the shapes declared in sos_serial/api/schemas."""
from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import NotFound

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY, CustomFields
from sos_serial.engine.posting_request import MalformedRequest
from sos_serial.extensions import db
from sos_serial.limits import JSON_MAX_DEPTH, json_depth, json_too_deep_message

from .schemas.common import PageQuery, read, refuse_nul_characters


def json_object() -> dict:
    """The body as a JSON object, or a 400; no text in it may hold a NUL character, and it nests at most
    JSON_MAX_DEPTH levels (measured before the parser sees it: a parser recursing 100,000 levels fails)."""
    if json_depth(request.get_data()) > JSON_MAX_DEPTH:
        raise MalformedRequest(json_too_deep_message())
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedRequest("The request body must be a JSON object (Content-Type: application/json).")
    if b"\\u0000" in request.get_data():
        refuse_nul_characters(data)
    return data


def body(shape, what: str):
    """The body read as ``shape``; ``what`` names it in the refusal ("An item")."""
    return read(shape, json_object(), what)


def custom_fields() -> CustomFields:
    """The app's custom fields, for the engine to check values against."""
    return current_app.extensions[CUSTOM_FIELDS_KEY]


def query(shape: type[PageQuery] = PageQuery):
    """The query string read as ``shape``; arguments it does not name are ignored."""
    return read(shape, request.args.to_dict(), "The query")


def locked(model, record_id: int):
    """The record, read as it is now and its row locked until the write commits (PostgreSQL; SQLite's
    writing unit of work holds the whole database), or a 404. Compared with the If-Match the client sent."""
    record = db.session.get(model, record_id, with_for_update={"of": model}, populate_existing=True)
    if record is None:
        raise NotFound()
    return record
