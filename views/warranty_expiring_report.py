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
from sos_serial.security.request_input import parse_int

from .csv_export import export_row_limit, neutralise_cell
from .formats import date_text
from .secured_view import SecuredBaseView
from .serial_plan import SerialPlanOnly

DEFAULT_DAYS = 30
MAX_DAYS = 3650
# The ranges the report widens to when it opens with nothing ending in the usual one.
WIDER_RANGES = (90, 180, 365, 730, 1825, MAX_DAYS)
# The most units the page lists (those ending soonest); the CSV export has every one.
SHOWN_MAX = 500


class WarrantyExpiringReportView(SerialPlanOnly, SecuredBaseView):
    read_right = "read_serial_units"

    @expose("/")
    def index(self):
        today = date.today()
        typed = request.args.get("days")
        days = _days(typed)
        if days is None:
            # Refused by name, on the report's own page: "abc" shows nothing rather than silently 0 units.
            return self.render("sos/warranty_expiring.html", days=typed, today=today, groups={}, total=0,
                               status_labels=STATUS_LABELS, refusal=(
                                   f"The number of days must be a whole number from 0 to {MAX_DAYS}; "
                                   f"{typed[:20]!r} is not one. Nothing is shown."), why_empty=None, widened=None), 400
        if request.args.get("format") == "csv":
            return self._csv(today, days)
        next_end = db.session.scalar(select(func.min(SerialUnit.warranty_end)).where(SerialUnit.warranty_end >= today))
        widened = None
        if typed in (None, "") and next_end is not None and (next_end - today).days > days:
            # Opened without a range and nothing ends in the usual one: open on the first range that shows something.
            widened = days
            days = next(wider for wider in WIDER_RANGES if wider >= (next_end - today).days) \
                if (next_end - today).days <= MAX_DAYS else MAX_DAYS
        total = db.session.scalar(select(func.count()).select_from(
            self._expiring(today, days).with_only_columns(SerialUnit.id).subquery()))
        if total <= SHOWN_MAX:
            units = db.session.scalars(self._units(today, days)).all()
        else:
            # At millions of units a month's ends are tens of thousands: the page shows those ending soonest,
            # read in the order of the warranty end's index, grouped by customer as always; the CSV has them all.
            units = sorted(db.session.scalars(
                self._expiring(today, days).options(joinedload(SerialUnit.customer), joinedload(SerialUnit.warranty),
                                                    joinedload(SerialUnit.item))
                .order_by(SerialUnit.warranty_end, SerialUnit.serial_key).limit(SHOWN_MAX)).all(),
                key=lambda u: (u.customer is None, u.customer.name if u.customer else "", u.warranty_end,
                               u.serial_key))
        groups: dict[str, list] = {}
        for unit in units:
            groups.setdefault(unit.customer.name if unit.customer else "(in stock, no customer)", []).append(unit)
        return self.render("sos/warranty_expiring.html", days=days, today=today, groups=groups, total=total,
                           shown=len(units), status_labels=STATUS_LABELS, refusal=None, widened=widened,
                           why_empty=None if units else self._why_empty(today, days, next_end))

    @staticmethod
    def _why_empty(today: date, days: int, next_end: date | None) -> str:
        """Why the report is empty, in the clerk's words, and what would show something."""
        if next_end is not None:
            return (f"No warranty ends within {days} days of {date_text(today)}. The next one ends on "
                    f"{date_text(next_end)}, in {(next_end - today).days} days.")
        ended = db.session.scalar(select(func.count(SerialUnit.id)).where(SerialUnit.warranty_end < today))
        if ended:
            last = db.session.scalar(select(func.max(SerialUnit.warranty_end)))
            return (f"No warranty ends after today: all {ended} warranties on record have ended, the last on "
                    f"{date_text(last)}.")
        return ("No serial unit has a warranty end date yet: a unit's warranty starts when it is shipped, or when "
                "its dates are typed on the unit.")

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


def _days(typed: str | None) -> int | None:
    """The days asked for (30 when not given); None when what was typed is not a whole number of days."""
    if typed is None or typed.strip() == "":
        return DEFAULT_DAYS
    days = parse_int(typed, high=2**63 - 1)
    # Past the longest window the report offers is the longest window.
    return None if days is None else min(days, MAX_DAYS)


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
