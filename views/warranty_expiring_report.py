"""Warranties expiring: units whose warranty ends within N days, by customer, with CSV export."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, request
from flask_admin import expose
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sos_serial.extensions import db
from sos_serial.models import Customer, SerialUnit
from sos_serial.models.serial_unit import STATUS_LABELS

from .csv_export import neutralise_cell
from .secured_view import SecuredBaseView

DEFAULT_DAYS = 30
MAX_DAYS = 3650


class WarrantyExpiringReportView(SecuredBaseView):
    read_right = "read_serial_units"

    @expose("/")
    def index(self):
        days = _days()
        today = date.today()
        units = self._units(today, days)
        if request.args.get("format") == "csv":
            return _csv(units, days)
        groups: dict[str, list] = {}
        for unit in units:
            groups.setdefault(unit.customer.name if unit.customer else "(in stock, no customer)", []).append(unit)
        return self.render("sos/warranty_expiring.html", days=days, today=today, groups=groups, total=len(units),
                           status_labels=STATUS_LABELS)

    @staticmethod
    def _units(today: date, days: int):
        return db.session.scalars(
            select(SerialUnit).outerjoin(Customer, Customer.id == SerialUnit.customer_id)
            .where(SerialUnit.warranty_end >= today, SerialUnit.warranty_end <= today + timedelta(days=days))
            .options(joinedload(SerialUnit.customer), joinedload(SerialUnit.warranty))
            .order_by(Customer.name, SerialUnit.warranty_end, SerialUnit.serial_key)).all()


def _days() -> int:
    try:
        days = int(request.args.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return max(0, min(days, MAX_DAYS))


def _csv(units, days: int) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Customer", "Item", "Serial number", "Status", "Warranty", "Start", "End", "Days left"])
    today = date.today()
    for unit in units:
        writer.writerow([neutralise_cell(v) for v in (
            unit.customer.name if unit.customer else "", unit.item.name, unit.serial_number,
            STATUS_LABELS.get(unit.status, unit.status), unit.warranty.name if unit.warranty else "",
            unit.warranty_start.isoformat() if unit.warranty_start else "", unit.warranty_end.isoformat(),
            (unit.warranty_end - today).days)])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=warranties-expiring-{days}-days.csv"})
