"""Event deliveries: what each plugin and webhook has been sent, what failed and why, and retrying."""
from __future__ import annotations

from flask import flash
from flask_admin.actions import action

from sos_serial.engine.event_delivery import AFTER_COMMIT, deliver_due, retry
from sos_serial.extensions import db
from sos_serial.plugins import hook

from .secured_view import SecuredModelView


def _short(value, limit=12):
    return value if value is None or len(value) <= limit else value[:limit] + "…"


class EventDeliveryView(SecuredModelView):
    read_right = "manage_settings"
    create_right = edit_right = delete_right = None
    can_view_details = True
    column_list = ("event_id", "event.type", "subscriber", "status", "attempts", "last_status_code",
                   "last_error", "last_attempt_at", "next_attempt_at", "delivered_at")
    column_labels = {"event_id": "Event", "event.type": "Type", "last_status_code": "Last answer",
                     "last_error": "Last error", "last_attempt_at": "Last attempt",
                     "next_attempt_at": "Next attempt", "delivered_at": "Delivered"}
    column_formatters = {"event_id": lambda v, c, m, n: _short(m.event_id, 8),
                         "last_error": lambda v, c, m, n: _short(m.last_error, 80)}
    column_filters = ("status", "subscriber", "event_id")
    column_searchable_list = ("subscriber", "event_id")
    column_default_sort = ("id", True)

    @action("retry", "Retry now", "Attempt the selected undelivered deliveries again now?")
    def retry_selected(self, ids) -> None:
        count = retry(db.session, delivery_ids=[int(i) for i in ids])
        report = deliver_due(db.session, hook(), AFTER_COMMIT)
        flash(f"{count} deliveries attempted again: {len(report.delivered)} delivered, "
              f"{len(report.retrying) + len(report.failed)} still failing (the events worker keeps retrying).",
              "success" if not report.retrying and not report.failed else "warning")

    def is_action_allowed(self, name) -> bool:
        return self.is_accessible()
