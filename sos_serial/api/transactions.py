"""Transactions: post a document, read it back, and a shipment's packing list."""
from flask import current_app, g, jsonify, render_template
from sqlalchemy import func, select

from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.packing_list import packing_list_context
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.posting_request import PostingRequest
from sos_serial.errors import NotFound
from sos_serial.extensions import db
from sos_serial.models import Transaction
from sos_serial.models.transaction import SHIPMENT

from . import bp, require
from .representations import page_json, transaction_json
from .request_parsing import json_body, pagination


@bp.post("/transactions")
def create_transaction():
    require("post")
    request_ = PostingRequest.from_dict(json_body())
    document = post_transaction(db.session, request_, g.api_user, current_app.extensions[LIMITS_KEY])
    return jsonify(transaction_json(document)), 201


@bp.get("/transactions")
def list_transactions():
    page, per_page = pagination()
    total = db.session.scalar(select(func.count()).select_from(Transaction))
    documents = db.session.scalars(select(Transaction).order_by(Transaction.id.desc())
                                   .limit(per_page).offset((page - 1) * per_page))
    summaries = [{k: v for k, v in transaction_json(d).items() if k != "lines"} for d in documents]
    return jsonify(page_json(summaries, total, page, per_page))


@bp.get("/transactions/<int:transaction_id>")
def get_transaction(transaction_id):
    return jsonify(transaction_json(db.get_or_404(Transaction, transaction_id)))


@bp.get("/transactions/<int:transaction_id>/packing-list")
def packing_list(transaction_id):
    document = db.get_or_404(Transaction, transaction_id)
    if document.type != SHIPMENT:
        raise NotFound(f"{document.number} is a {document.type_label.lower()}; only shipments have packing lists.")
    return render_template("sos/packing_list.html", **packing_list_context(db.session, document))
