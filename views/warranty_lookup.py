"""Warranty lookup, for the support desk: scan (a GS1 barcode too) or type a serial, see whose it is and its coverage."""
from __future__ import annotations

from flask import request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from sos_serial.engine.gs1 import UnreadableScan, read_scanned_serial
from sos_serial.engine.queries import unit_history
from sos_serial.engine.serial_search import prefix_conditions
from sos_serial.engine.warranty_status import coverage
from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit
from sos_serial.models.serial_unit import STATUS_LABELS, serial_key
from sos_serial.security.auth import can

from .history_rows import HistoryNames, change_lines, event_label, status_label
from .secured_view import SecuredBaseView
from .serial_plan import SerialPlanOnly

MAX_MATCHES = 20


class WarrantyLookupView(SerialPlanOnly, SecuredBaseView):
    read_right = "read_serial_units"

    @expose("/")
    def index(self):
        query, problem, narrowed = (request.args.get("serial") or "").strip(), None, []
        try:
            # A scanned GS1 barcode looks up the serial of its AI 21, of the item its AI 01 names when one does.
            scan = read_scanned_serial(query)
        except UnreadableScan as exc:
            scan, problem = None, exc.message
        if scan is not None:
            query = scan.serial.strip()
            if scan.gtin14:
                narrowed = [SerialUnit.item_id.in_(select(Item.id).where(Item.gtin14 == scan.gtin14))]
        units, exact = [], False
        if query and scan is not None:
            key = serial_key(query)
            units = db.session.scalars(select(SerialUnit).where(SerialUnit.serial_key == key, *narrowed)
                                       .order_by(SerialUnit.item_id)).all()
            exact = bool(units)
            if not units:
                units = db.session.scalars(select(SerialUnit).where(*prefix_conditions(query), *narrowed)
                                           .order_by(SerialUnit.serial_key).limit(MAX_MATCHES)).all()
        histories = {}
        if len(units) <= 3:
            for unit in units:
                rows = unit_history(db.session, unit.id)
                histories[unit.id] = (rows, HistoryNames(db.session, rows))
        return self.render("sos/warranty_lookup.html", query=query, problem=problem, units=units, exact=exact,
                           histories=histories, coverage=coverage, status_labels=STATUS_LABELS,
                           event_label=event_label, status_label=status_label, change_lines=change_lines,
                           can_edit=can(current_user, "edit_warranty_dates"), max_matches=MAX_MATCHES)
