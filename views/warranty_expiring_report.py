"""Warranties expiring: units whose warranty ends within N days, by customer, with CSV export."""
from __future__ import annotations

import csv
from datetime import date, timedelta

from flask import Response, request, stream_with_context
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from sos_serial.extensions import db
from sos_serial.models import Customer, SerialUnit
from sos_serial.models.serial_unit import STATUS_LABELS
from sos_serial.security import audit
from sos_serial.security.request_input import query_int

from .csv_export import export_row_limit, neutralise_cell
from .secured_view import SecuredBaseView

DEFAULT_DAYS = 30
MAX_DAYS = 3650


class WarrantyExpiringReportView(SecuredBaseView):
    read_right = "read_serial_units"

    @expose("/")
    def index(self):
        days = _days()
        today = date.today()
        if request.args.get("format") == "csv":
            return self._csv(today, days)
        units = db.session.scalars(self._units(today, days)).all()
        groups: dict[str, list] = {}
        for unit in units:
            groups.setdefault(unit.customer.name if unit.customer else "(in stock, no customer)", []).append(unit)
        return self.render("sos/warranty_expiring.html", days=days, today=today, groups=groups, total=len(units),
                           status_labels=STATUS_LABELS)

    @staticmethod
    def _expiring(today: date, days: int):
        return select(SerialUnit).where(SerialUnit.warranty_end >= today,
                                        SerialUnit.warranty_end <= today + timedelta(days=days))

    def _units(self, today: date, days: int):
        return (self._expiring(today, days).outerjoin(Customer, Customer.id == SerialUnit.customer_id)
                .options(joinedload(SerialUnit.customer), joinedload(SerialUnit.warranty),
                         joinedload(SerialUnit.item))
                .order_by(Customer.name, SerialUnit.warranty_end, SerialUnit.serial_key))

    def _csv(self, today: date, days: int) -> Response:
        """The report as CSV, streamed like every screen's export, capped per role and recorded."""
        limit = export_row_limit(current_user)
        count = db.session.scalar(select(func.count()).select_from(self._expiring(today, days).subquery()))
        rows = min(count, limit) if limit else count
        audit.record(db.session, action="export", target_type="screen", target_label=str(self.name),
                     detail={"screen": str(self.name), "endpoint": self.endpoint,
                             "filters": [{"filter": "days", "value": days}], "search": None, "rows": rows,
                             "row_limit": limit or None}, commit=True)
        statement = self._units(today, days)
        if limit:
            statement = statement.limit(limit)
        return Response(stream_with_context(_csv_lines(statement, today)), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=warranties-expiring-{days}-days.csv"})


def _days() -> int:
    # Past the longest window the report offers is the longest window.
    return min(query_int("days", DEFAULT_DAYS, high=2**63 - 1), MAX_DAYS)


class _Line:
    """A file csv.writer writes one line to at a time, handing the line back."""

    def write(self, line: str) -> str:
        return line


def _csv_lines(statement, today: date):
    writer = csv.writer(_Line())
    yield writer.writerow(["Customer", "Item", "Serial number", "Status", "Warranty", "Start", "End", "Days left"])
    # Read in batches with the streaming context's session: the request's own has ended by now.
    for unit in db.session().scalars(statement.execution_options(yield_per=1000)):
        yield writer.writerow([neutralise_cell(v) for v in (
            unit.customer.name if unit.customer else "", unit.item.name, unit.serial_number,
            STATUS_LABELS.get(unit.status, unit.status), unit.warranty.name if unit.warranty else "",
            unit.warranty_start.isoformat() if unit.warranty_start else "", unit.warranty_end.isoformat(),
            (unit.warranty_end - today).days)])
