"""The screens' label runs: the format asked for, and the PDF or ZPL answered as a file."""
from __future__ import annotations

from flask import abort, make_response, request

from sos_serial.engine.labels import LABEL_FORMATS, label_file_headers, print_labels
from sos_serial.extensions import db


def asked_format() -> str:
    """``?format=pdf`` (the default) or ``zpl``; anything else is no page of labels."""
    label_format = request.values.get("format", "pdf")
    if label_format not in LABEL_FORMATS:
        abort(404)
    return label_format


def labels_answer(labels, label_format: str, name: str):
    content, media_type, extension = print_labels(db.session, labels, label_format, title=name)
    return make_response(content, label_file_headers(name, media_type, extension))
