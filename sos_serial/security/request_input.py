"""What any request's text may hold, and the ids and counts a route reads from its query string.

One ``before_request`` of the app looks at every query argument, form field and JSON string of every
request (screens, API, plugin routes), before any route reads them: a control character is refused
there with a message naming the field, so no screen or plugin route can forget the check and no
database sees the text (PostgreSQL refuses a NUL in text with a raw error; a carriage return and line
feed in a redirect target would split the answer's headers). Tab, line feed and carriage return stay
allowed in form fields and JSON, where multi-line text (a memo, a pasted serial list) is ordinary;
no query argument needs them.

One control character is let through where a scanner's keystrokes can land: GS (U+001D), the FNC1 a
scanner sends between the variable-length fields of a GS1 barcode (engine/gs1.py reads it). Only in the
texts that carry a serial: the form fields of a transaction's S/N entries (``lines-N-serials``) and of a
unit's serial (``serial_number``), the JSON strings of a line's ``serials``, of the serial check's
``serials`` and of ``serial_number``, and the search arguments ``q``, ``search`` and ``serial``.

``parse_int`` is the one reading of a whole number from text: ASCII digits only (``int()`` would take
``٣`` and ``1_000`` too), within the range the database's integer columns hold.
"""
from __future__ import annotations

import re

from flask import request

from sos_serial.errors import FieldError, InvalidInput
from sos_serial.limits import MAX_ID

# The control characters (Unicode's Cc: C0, DEL and C1), but tab, line feed and carriage return: multi-line
# text keeps its line breaks. None is seen on screen; a C1 character in text is most often a mis-decoded paste.
TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Every control character: no query argument (a search, a page, a redirect target) is multi-line.
QUERY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
DIGITS = re.compile("[0-9]{1,20}")
# The same, but GS (U+001D): where a scanned GS1 barcode may come.
SCAN_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1c\x1e\x1f\x7f-\x9f]")
SCAN_QUERY_CONTROL = re.compile("[\x00-\x1c\x1e\x1f\x7f-\x9f]")
SCAN_QUERY_ARGUMENTS = frozenset({"q", "search", "serial"})
SCAN_FORM_FIELD = re.compile(r"lines-[0-9]+-serials|serial_number")
SCAN_JSON_FIELD = re.compile(r"(lines\[[0-9]+\]\.)?serials\[[0-9]+\]|serial_number")


class ControlCharacterRefused(InvalidInput):
    """A query argument, form field or JSON string holds a control character; nothing was read or saved.

    ``in_list``: the JSON list the text is an element of (``lines[0].serials`` for ``lines[0].serials[1]``),
    named too, since the API names a problem with one serial of a line by the line's list of serials.
    """

    def __init__(self, field: str, character: str, *, where: str, in_list: str | None = None):
        self.field = field
        code = f"U+{ord(character):04X}"
        message = (f"{where} '{field}' holds a control character ({code}), which text here may not contain. "
                   "Remove it (it often comes from a paste) and try again; nothing was saved.")
        errors = [FieldError(field, f"Holds a control character ({code}).")]
        if in_list:
            errors.append(FieldError(in_list, f"{field} holds a control character ({code})."))
        super().__init__(message, errors)


def parse_int(text, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """``text`` as a whole number from ``low`` to ``high``, or None when it is anything else."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if low <= text <= high else None
    if not isinstance(text, str) or not DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None


def query_int(name: str, default: int | None = None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """The query argument ``name`` as a whole number in range, else ``default`` (absent, empty or not one)."""
    value = parse_int(request.args.get(name), low=low, high=high)
    return default if value is None else value


def _check_json(value, where: str, in_list: str | None = None) -> None:
    if isinstance(value, str):
        found = (SCAN_TEXT_CONTROL if SCAN_JSON_FIELD.fullmatch(where) else TEXT_CONTROL).search(value)
        if found:
            raise ControlCharacterRefused(where or "body", found.group(), where="The field", in_list=in_list)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, where or "body")
            _check_json(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]", in_list=where or None)


def refuse_control_characters() -> None:
    """Refuse a request whose query, form or JSON text holds a control character, naming the field."""
    if request.routing_exception is not None:
        # No such route (404, 405): that is the answer, whatever the request holds.
        return
    for name, value in request.args.items(multi=True):
        for text, what, scanned in ((name, "The query argument name", False),
                                    (value, "The query argument", name in SCAN_QUERY_ARGUMENTS)):
            found = (SCAN_QUERY_CONTROL if scanned else QUERY_CONTROL).search(text)
            if found:
                raise ControlCharacterRefused(name if text is value else repr(name), found.group(), where=what)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            scanned = SCAN_FORM_FIELD.fullmatch(name)
            found = TEXT_CONTROL.search(name) or (SCAN_TEXT_CONTROL if scanned else TEXT_CONTROL).search(value)
            if found:
                raise ControlCharacterRefused(name, found.group(), where="The field")
    elif request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            # Too deeply nested to read: the route's own reading answers it.
            return
        _check_json(body, "")


def init_app(app) -> None:
    app.before_request(refuse_control_characters)
