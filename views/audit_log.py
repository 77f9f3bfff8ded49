"""The audit log screen: who signed in, changed users, tokens, settings and records, and exported what; admins only."""
from __future__ import annotations

import json
from datetime import timedelta

from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from markupsafe import Markup

from sos_serial.engine.queries import start_of_day
from sos_serial.models import AuditEntry

from .csv_export import SafeCsvExport
from .formats import timestamp_text
from .list_filters import DateFromFilter, DateToFilter
from .secured_view import SecuredModelView


class MomentFromFilter(DateFromFilter):
    """At or after the start of the date (UTC), on a column of moments."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= start_of_day(value))


class MomentToFilter(DateToFilter):
    """Before the end of the date (UTC), on a column of moments."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < start_of_day(value + timedelta(days=1)))


def _detail_text(entry) -> str:
    return json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail is not None else ""


class AuditLogView(SafeCsvExport, SecuredModelView):
    read_right = "manage_users"
    create_right = edit_right = delete_right = None
    column_display_actions = False
    column_list = ("at", "actor_name", "via", "action", "target_type", "target_id", "target_label", "detail",
                   "client_address")
    column_labels = {"at": "When (UTC)", "actor_name": "Who", "via": "Through", "target_type": "Record",
                     "target_id": "Id", "target_label": "Name", "client_address": "Address"}
    column_formatters = {
        "at": lambda v, c, m, n: timestamp_text(m.at),
        # Escaped by Markup's own rules: the detail holds text anyone could have typed (a name, a username tried).
        "detail": lambda v, c, m, n: Markup("<code>{}</code>").format(_detail_text(m)),
    }
    column_formatters_export = {"at": lambda v, c, m, n: m.at.isoformat(), "detail": lambda v, c, m, n: _detail_text(m)}
    # Newest first, in the order the entries were written.
    column_default_sort = ("id", True)
    column_sortable_list = ()
    named_filter_urls = True
    column_filters = (
        FilterEqual(AuditEntry.actor_name, "Who"),
        FilterLike(AuditEntry.actor_name, "Who"),
        FilterEqual(AuditEntry.action, "Action"),
        FilterLike(AuditEntry.action, "Action"),
        FilterEqual(AuditEntry.target_type, "Record"),
        MomentFromFilter(AuditEntry.at, "Date"),
        MomentToFilter(AuditEntry.at, "Date"),
    )
