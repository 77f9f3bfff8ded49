"""How a serial unit's history rows read on screen and in CSV: event, document, place, user, changes."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from sos_serial.models import Customer, Location, Transaction, User
from sos_serial.models.document_kind import KINDS
from sos_serial.models.serial_history import CREATED, EDIT, RENUMBER, VOID
from sos_serial.models.serial_unit import STATUS_LABELS
from sos_serial.security.auth import can

EVENT_LABELS = {**{kind.code: kind.label for kind in KINDS}, CREATED: "Added directly", EDIT: "Edited",
                VOID: "Voided", RENUMBER: "Serial number corrected"}
# Edits, and what a posting replaced (a return's cost, a shipment's warranty): a void puts those back.
CHANGED_FIELD_LABELS = {"warranty_start": "Warranty start", "warranty_end": "Warranty end", "notes": "Notes",
                        "unit_cost": "Unit cost", "warranty_id": "Warranty (id)", "serial_number": "Serial number",
                        "lot": "Lot", "expiry_date": "Expiry date", "production_date": "Production date"}
DOCUMENT_ENDPOINT = "transactions.details_view"


def event_label(row) -> str:
    return EVENT_LABELS.get(row.transaction_type, row.transaction_type)


def status_label(row) -> str:
    return STATUS_LABELS.get(row.status, row.status)


def change_lines(row, arrow: str = "→", labels: dict | None = None) -> list[str]:
    """One line per field a manual edit changed: "Warranty end: 2027-01-31 → 2027-03-31".

    ``labels`` names custom fields ("custom_fields.inspector": "Inspector"); one not given is shown by its name.
    """
    lines = []
    reason = getattr(row, "void_reason", None)
    if reason:
        lines.append(f"Reason: {reason}")
    for name, change in (row.changes or {}).items():
        if name == "reason":  # a correction's why, said once (a renumber row)
            lines.append(f"Reason: {change}")
            continue
        old, new = change
        label = CHANGED_FIELD_LABELS.get(name) or (labels or {}).get(name) or name.removeprefix("custom_fields.")
        lines.append(f"{label}: {_shown(old)} {arrow} {_shown(new)}")
    return lines


def _shown(value) -> str:
    return "(none)" if value in (None, "") else str(value)


class HistoryNames:
    """The names a batch of history rows refers to (places, users, documents), read in one query per kind.

    History rows keep only ids; reading each name row by row would cost a query per row
    on a report page or an export.
    """

    def __init__(self, session, rows):
        rows = list(rows)
        self.locations = _names(session, Location.id, Location.name, {r.location_id for r in rows})
        self.customers = _names(session, Customer.id, Customer.name, {r.customer_id for r in rows})
        self.users = _names(session, User.id, User.username, {r.user_id for r in rows})
        self.documents = _names(session, Transaction.id, Transaction.number, {r.transaction_id for r in rows})

    def place(self, row) -> str:
        if row.location_id is not None:
            return self.locations.get(row.location_id, "")
        if row.customer_id is not None:
            return self.customers.get(row.customer_id, "")
        return ""

    def user(self, row) -> str:
        return self.users.get(row.user_id, "") if row.user_id is not None else ""

    def document_number(self, row) -> str:
        if row.transaction_id is None:
            return ""
        return self.documents.get(row.transaction_id) or f"#{row.transaction_id}"

    def document_url(self, row) -> str | None:
        # The document's number only, for a role that does not open documents (support): no link to a 403.
        if row.transaction_id is None or not can(current_user, "read"):
            return None
        return url_for(DOCUMENT_ENDPOINT, id=row.transaction_id)

    def document_link(self, row) -> Markup | str:
        url = self.document_url(row)
        if url is None:
            return self.document_number(row)
        return Markup('<a href="{}" class="document-link">{}</a>').format(url, self.document_number(row))


def _names(session, id_column, name_column, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(id_column, name_column).where(id_column.in_(ids))).all())
