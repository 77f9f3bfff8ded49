"""Labels: a PDF or ZPL of a document's units, or of units chosen by id."""
from flask import make_response

from sos_serial.engine.labels import labels_of_document, labels_of_units, print_labels
from sos_serial.extensions import db
from sos_serial.models import Transaction

from . import bp
from .reading import query
from .schemas.labels import LabelQuery, SerialLabelsQuery


def _answer(labels, label_format: str, name: str):
    content, media_type, extension = print_labels(db.session, labels, label_format, title=name)
    answer = make_response(content)
    answer.headers["Content-Type"] = media_type
    # A PDF opens in the browser's viewer; ZPL is saved, for the printer's queue.
    disposition = "inline" if extension == "pdf" else "attachment"
    answer.headers["Content-Disposition"] = f'{disposition}; filename="{name}.{extension}"'
    return answer


@bp.get("/transactions/<int:transaction_id>/labels")
def document_labels(transaction_id):
    asked = query(LabelQuery)
    document = db.get_or_404(Transaction, transaction_id)
    return _answer(labels_of_document(db.session, document), asked.format, f"labels-{document.number}")


@bp.get("/serials/labels")
def serial_labels():
    asked = query(SerialLabelsQuery)
    return _answer(labels_of_units(db.session, asked.unit_ids()), asked.format, "labels")
