"""Stock counts: start one at a location, send scans in batches, read its figures and lists, close or cancel it."""
from datetime import UTC, datetime

from flask import current_app, g, jsonify
from sqlalchemy import func, select

from sos_serial.engine import stock_counts as counts
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import StockCount

from . import bp, require
from .reading import body, custom_fields, query
from .schemas.common import page_of
from .schemas.stock_counts import (
    CloseAnswer,
    CloseInput,
    CountChange,
    CountListQuery,
    ListedSerial,
    ScanAnswerBody,
    ScanBatch,
    StockCountInput,
    StockCountSummary,
)
from .schemas.stock_counts import StockCount as StockCountAnswer


def count_answer(count) -> dict:
    return StockCountAnswer.of({
        **{name: getattr(count, name) for name in ("id", "number", "location_id", "status", "expected_at_start",
                                                   "started_by_id", "started_at", "closed_by_id", "closed_at")},
        "totals": counts.totals(db.session, count.id),
        "documents": counts.count_documents(db.session, count.id)})


@bp.post("/stock-counts")
def create_stock_count():
    require("post")
    given = body(StockCountInput, "The stock count")
    return jsonify(count_answer(counts.start_count(db.session, given.location_id, g.api_user))), 201


@bp.get("/stock-counts")
def list_stock_counts():
    page, per_page = query().window()
    total = db.session.scalar(select(func.count()).select_from(StockCount))
    records = db.session.scalars(select(StockCount).order_by(StockCount.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(StockCountSummary, records, total, page, per_page))


@bp.get("/stock-counts/<int:count_id>")
def get_stock_count(count_id):
    return jsonify(count_answer(db.get_or_404(StockCount, count_id)))


@bp.post("/stock-counts/<int:count_id>/scans")
def scan_into_stock_count(count_id):
    require("post")
    db.get_or_404(StockCount, count_id)
    given = body(ScanBatch, "The scans")
    report = counts.scan_serials(db.session, count_id, given.serials, g.api_user)
    return jsonify(ScanAnswerBody.of(report)), 201


@bp.get("/stock-counts/<int:count_id>/serials")
def stock_count_serials(count_id):
    db.get_or_404(StockCount, count_id)
    asked = query(CountListQuery)
    page, per_page = asked.window()
    rows, total = counts.listed(db.session, count_id, asked.show, page, per_page)
    return jsonify(page_of(ListedSerial, rows, total, page, per_page))


@bp.post("/stock-counts/<int:count_id>/close")
def close_stock_count(count_id):
    require("post")
    db.get_or_404(StockCount, count_id)
    given = body(CloseInput, "The close")
    if not given.confirm:
        raise InvalidInput("Closing posts documents: send confirm: true to close the count.",
                           [FieldError("confirm", "Must be true to close the count.")])
    report = counts.close_count(db.session, count_id, g.api_user, on=given.date or datetime.now(UTC).date(),
                                unknown_item_id=given.unknown_item_id, scans_seen=given.scans_seen,
                                limits=current_app.extensions[LIMITS_KEY], fields=custom_fields())
    return jsonify(CloseAnswer.of({"count": count_answer(report.count), "left_unposted": report.left_unposted})), 201


@bp.patch("/stock-counts/<int:count_id>")
def change_stock_count(count_id):
    require("post")
    db.get_or_404(StockCount, count_id)
    body(CountChange, "The stock count")  # the one change a count takes: cancelled
    return jsonify(count_answer(counts.cancel_count(db.session, count_id, g.api_user)))
