"""Labels: a PDF or ZPL of a document's units, of units chosen by id, or of the units a search finds."""
from flask import make_response

from sos_serial.engine.labels import (
    label_file_headers,
    labels_of_document,
    labels_of_units,
    labels_where,
    print_labels,
)
from sos_serial.engine.serial_search import prefix_conditions
from sos_serial.extensions import db
from sos_serial.models import SerialUnit, Transaction

from . import bp
from .reading import query
from .schemas.labels import LabelQuery, SerialLabelsQuery


def _answer(labels, label_format: str, name: str):
    content, media_type, extension = print_labels(db.session, labels, label_format, title=name)
    return make_response(content, label_file_headers(name, media_type, extension))


@bp.get("/transactions/<int:transaction_id>/labels")
def document_labels(transaction_id):
    asked = query(LabelQuery)
    document = db.get_or_404(Transaction, transaction_id)
    return _answer(labels_of_document(db.session, document), asked.format, f"labels-{document.number}")


@bp.get("/serials/labels")
def serial_labels():
    asked = query(SerialLabelsQuery)
    unit_ids = asked.unit_ids()
    if unit_ids is not None:
        return _answer(labels_of_units(db.session, unit_ids), asked.format, "labels")
    conditions = [column == value for column, value in ((SerialUnit.item_id, asked.item_id),
                                                        (SerialUnit.location_id, asked.location_id),
                                                        (SerialUnit.customer_id, asked.customer_id),
                                                        (SerialUnit.status, asked.status)) if value is not None]
    conditions.extend(prefix_conditions(asked.q))
    return _answer(labels_where(db.session, conditions), asked.format, "labels")
