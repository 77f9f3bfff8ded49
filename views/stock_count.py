"""Stock counts on the screen: start a count at a location, scan into it, watch its totals and lists, close it."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import func, select

from sos_serial.engine import stock_counts as counts
from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.limits import JSON_MAX_DEPTH, json_depth, json_too_deep_message
from sos_serial.models import Item, Location, StockCount, Transaction
from sos_serial.security.request_input import parse_int, query_int

from .secured_view import SecuredBaseView
from .serial_plan import SerialPlanOnly

PER_PAGE = 50
# Scans one request from the screen may carry: what a scanner buffered while the network was slow.
SCANS_PER_REQUEST = 1_000
LIST_TITLES = {counts.COUNTED_LIST: "Counted", counts.MISSING_LIST: "Still missing",
               counts.FOUND_LIST: "Found, should not be here"}
PURPOSE_LABELS = {"missing": "Missing units (adjustment out)", "transfer": "Units from another location (transfer in)",
                  "found": "Units found (adjustment in)"}


def _totals_json(totals) -> dict:
    return asdict(totals)


def _row_json(row) -> dict:
    return {"serial_number": row.serial_number, "item_name": row.item_name, "place": row.place}


class StockCountView(SerialPlanOnly, SecuredBaseView):
    """Counting is posting: clerks and administrators (the ``post`` right)."""

    read_right = "post"

    @expose("/")
    def index(self):
        page = query_int("page", 1, low=1)
        total = db.session.scalar(select(func.count()).select_from(StockCount))
        recent = db.session.scalars(select(StockCount).order_by(StockCount.id.desc())
                                    .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        locations = db.session.scalars(select(Location).order_by(Location.name)).all()
        return self.render("sos/stock_count_list.html", counts=recent, locations=locations, page=page,
                           pages=max(1, -(-total // PER_PAGE)))

    @expose("/start/", methods=("POST",))
    def start(self):
        location_id = parse_int(request.form.get("location_id"), low=1)
        if location_id is None:
            flash("Choose the location to count.", "error")
            return redirect(url_for(".index"))
        try:
            count = counts.start_count(db.session, location_id, current_user)
        except SerialInventoryError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".index"))
        flash(f"Count {count.number} started at {count.location.name}: {count.expected_at_start} units expected.",
              "success")
        return redirect(url_for(".count_view", id=count.id))

    @expose("/count/")
    def count_view(self):
        count = self._count()
        show = request.args.get("show", counts.MISSING_LIST)
        if show not in counts.LISTS:
            show = counts.MISSING_LIST
        page = query_int("page", 1, low=1)
        rows, listed_total = counts.listed(db.session, count.id, show, page, PER_PAGE)
        documents = [(link.purpose, db.session.get(Transaction, link.transaction_id))
                     for link in counts.count_documents(db.session, count.id)]
        items = db.session.scalars(select(Item).where(Item.track_serials).order_by(Item.name)).all()
        return self.render("sos/stock_count.html", count=count, totals=counts.totals(db.session, count.id),
                           show=show, rows=rows, page=page, pages=max(1, -(-listed_total // PER_PAGE)),
                           listed_total=listed_total, list_titles=LIST_TITLES, documents=documents,
                           purpose_labels=PURPOSE_LABELS, items=items, today=date.today().isoformat(),
                           per_page=PER_PAGE)

    @expose("/scan/", methods=("POST",))
    def scan(self):
        """JSON ``{"serials": [...]}`` from the scan box: each scan's result and the totals after them."""
        count = self._count()
        if json_depth(request.get_data()) > JSON_MAX_DEPTH:
            return jsonify({"error": json_too_deep_message()}), 400
        data = request.get_json(silent=True)
        serials = data.get("serials") if isinstance(data, dict) else None
        if not isinstance(serials, list) or not serials or len(serials) > SCANS_PER_REQUEST \
                or not all(isinstance(serial, str) for serial in serials):
            return jsonify({"error": f"Send 1 to {SCANS_PER_REQUEST} serial numbers as a JSON list of text."}), 400
        try:
            report = counts.scan_serials(db.session, count.id, serials, current_user)
        except SerialInventoryError as exc:
            return jsonify({"error": exc.message}), exc.status
        return jsonify({"scans": [asdict(scan) for scan in report.scans], "totals": _totals_json(report.totals)})

    @expose("/serials/")
    def serials(self):
        """One page of a live list, for the page's script to redraw after scans."""
        count = self._count()
        show = request.args.get("show", counts.MISSING_LIST)
        if show not in counts.LISTS:
            return jsonify({"error": "Choose counted, missing or found."}), 400
        page = query_int("page", 1, low=1)
        rows, total = counts.listed(db.session, count.id, show, page, PER_PAGE)
        return jsonify({"items": [_row_json(row) for row in rows], "total": total, "page": page,
                        "totals": _totals_json(counts.totals(db.session, count.id))})

    @expose("/upload/", methods=("POST",))
    def upload(self):
        count = self._count()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("Choose a CSV file of serial numbers to upload.", "error")
            return redirect(url_for(".count_view", id=count.id))
        try:
            serials = counts.serials_of_file(upload.read(), upload.filename)
            if not serials:
                flash(f"{upload.filename} holds no serial numbers.", "error")
                return redirect(url_for(".count_view", id=count.id))
            report = counts.scan_serials(db.session, count.id, serials, current_user)
        except SerialInventoryError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".count_view", id=count.id))
        tally = {answer: 0 for answer in counts.SCAN_ANSWERS}
        for scan in report.scans:
            tally[scan.result] += 1
        flash(f"{upload.filename}: {len(serials)} serials read; {tally['counted']} counted, "
              f"{tally['elsewhere']} found that should not be here, {tally['unknown']} unknown, "
              f"{tally['already_scanned']} already scanned, {tally['refused']} refused.", "success")
        return redirect(url_for(".count_view", id=count.id))

    @expose("/close/", methods=("POST",))
    def close(self):
        count = self._count()
        if request.form.get("confirm") != "yes":
            flash("Tick the confirmation to close the count: closing posts documents.", "error")
            return redirect(url_for(".count_view", id=count.id))
        unknown_item_id = parse_int(request.form.get("unknown_item_id"), low=1)
        scans_seen = parse_int(request.form.get("scans_seen"))
        try:
            report = counts.close_count(db.session, count.id, current_user, on=date.today(),
                                        unknown_item_id=unknown_item_id, scans_seen=scans_seen,
                                        limits=current_app.extensions[LIMITS_KEY],
                                        fields=current_app.extensions[CUSTOM_FIELDS_KEY])
        except SerialInventoryError as exc:
            flash(f"Count {count.number} was not closed: {exc.message}", "error")
            return redirect(url_for(".count_view", id=count.id))
        posted = ", ".join(db.session.get(Transaction, link.transaction_id).number for link in report.documents)
        left = (f" Listed, not posted: {', '.join(report.left_unposted[:20])}"
                f"{' and more' if len(report.left_unposted) > 20 else ''}." if report.left_unposted else "")
        flash(f"Count {count.number} closed. {'Posted ' + posted + '.' if posted else 'Nothing to post.'}{left}",
              "success")
        return redirect(url_for(".count_view", id=count.id))

    @expose("/cancel/", methods=("POST",))
    def cancel(self):
        count = self._count()
        try:
            counts.cancel_count(db.session, count.id, current_user)
        except SerialInventoryError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Count {count.number} cancelled; nothing was posted.", "success")
        return redirect(url_for(".count_view", id=count.id))

    def _count(self) -> StockCount:
        count_id = query_int("id", low=1)
        count = db.session.get(StockCount, count_id) if count_id is not None else None
        if count is None:
            abort(404)
        return count
