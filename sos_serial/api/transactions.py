"""Transactions: post a document, read it back, and a shipment's packing list."""
from flask import current_app, g, jsonify, render_template, request
from sqlalchemy import func, select

from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.packing_list import packing_list_context
from sos_serial.engine.packing_list_pdf import packing_list_pdf, pdf_file_name
from sos_serial.engine.posting import post_transaction, void_transaction
from sos_serial.engine.queries import line_serials
from sos_serial.errors import NotFound
from sos_serial.extensions import db
from sos_serial.models import Transaction

from . import bp, require
from .reading import body, custom_fields, json_object, query
from .schemas.common import page_of
from .schemas.transactions import TransactionSummary, VoidInput, read_document, transaction_answer


def _answer(document) -> dict:
    return transaction_answer(document, line_serials(db.session, [line.id for line in document.lines]))


@bp.post("/transactions")
def create_transaction():
    require("post")
    document = post_transaction(db.session, read_document(json_object()), g.api_user,
                                current_app.extensions[LIMITS_KEY], fields=custom_fields())
    return jsonify(_answer(document)), 201


@bp.get("/transactions")
def list_transactions():
    page, per_page = query().window()
    total = db.session.scalar(select(func.count()).select_from(Transaction))
    documents = db.session.scalars(select(Transaction).order_by(Transaction.id.desc())
                                   .limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(TransactionSummary, documents, total, page, per_page))


@bp.get("/transactions/<int:transaction_id>")
def get_transaction(transaction_id):
    return jsonify(_answer(db.get_or_404(Transaction, transaction_id)))


@bp.post("/transactions/<int:transaction_id>/void")
def void_document(transaction_id):
    """Void a posted document: its units, stock and value go back to where it found them (shared/API.md 1.1)."""
    require("post")
    db.get_or_404(Transaction, transaction_id)
    reason = body(VoidInput, "The void").reason
    document = void_transaction(db.session, transaction_id, reason, g.api_user)
    return jsonify(_answer(document))


@bp.get("/transactions/<int:transaction_id>/packing-list")
def packing_list(transaction_id):
    document = db.get_or_404(Transaction, transaction_id)
    if not document.kind.has_packing_list:
        raise NotFound(f"{document.number} is a {document.type_label.lower()}; only shipments have packing lists.")
    context = packing_list_context(db.session, document)
    # The page unless the client prefers the PDF: curl's */* and a browser's text/html get the page, as before.
    if request.accept_mimetypes.best_match(["text/html", "application/pdf"]) == "application/pdf":
        return current_app.response_class(packing_list_pdf(context), mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{pdf_file_name(document)}"'})
    return render_template("sos/packing_list.html", **context)
