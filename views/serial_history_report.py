"""Serial unit history report: one row per event of every unit, oldest first, linked to its document."""
from __future__ import annotations

from flask import g
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from markupsafe import Markup
from sqlalchemy import or_, select

from sos_serial.engine.serial_search import prefix_conditions
from sos_serial.extensions import db
from sos_serial.models import SerialHistory, SerialUnit, Transaction

from .csv_export import SafeCsvExport
from .history_rows import (
    EVENT_LABELS,
    HistoryNames,
    change_lines,
    event_label,
    status_label,
)
from .large_list import LargeList
from .list_filters import (
    DateFromFilter,
    DateToFilter,
    LookupFilter,
    LookupOptions,
    customers,
    tracked_items,
)
from .secured_view import SecuredModelView
from .serial_plan import SerialPlanOnly


class UnitItemFilter(LookupFilter):
    """Events of the units of one item."""

    def apply(self, query, value, alias=None):
        return query.filter(SerialHistory.serial_unit_id.in_(select(SerialUnit.id).where(SerialUnit.item_id == value)))


class SerialPrefixFilter(BaseSQLAFilter):
    """Events of the units whose serial starts with the text, any item (an index range on serial_key)."""

    def apply(self, query, value, alias=None):
        conditions = prefix_conditions(value)
        if not conditions:
            return query
        return query.filter(SerialHistory.serial_unit_id.in_(select(SerialUnit.id).where(*conditions)))

    def operation(self):
        return "starts with"


# A customer's events named by id up to this many; a customer with more is filtered by the condition itself.
EVENTS_NAMED_MAX = 5_000


class CustomerFilter(LookupFilter):
    """Events that left a unit with the customer, or whose document names the customer (a return, say)."""

    def apply(self, query, value, alias=None):
        # The customer's documents read first (ix_transactions_customer) and named as ids, so both sides of the OR
        # are index lookups (BitmapOr); then the events themselves, named by id. Left to the OR, PostgreSQL walked
        # the date index from the start looking for the customer's first 50 events, which come in a few documents
        # anywhere in the years: 1.1 s at a million units, against 20 ms for the ids.
        documents = db.session.scalars(select(Transaction.id).where(Transaction.customer_id == value)).all()
        matching = (or_(SerialHistory.customer_id == value, SerialHistory.transaction_id.in_(documents)) if documents
                    else SerialHistory.customer_id == value)
        # Read once per request: the list and its count both apply the filter.
        found = g.setdefault("sos_customer_events", {})
        if value not in found:
            found[value] = db.session.scalars(select(SerialHistory.id).where(matching)
                                              .limit(EVENTS_NAMED_MAX + 1)).all()
        events = found[value]
        if len(events) <= EVENTS_NAMED_MAX:
            return query.filter(SerialHistory.id.in_(events))
        # A customer of tens of thousands of events: found by the two indexes (a bitmap) and sorted, never by
        # walking the date index (2.3 s at ten million units for a customer whose events are mostly recent).
        g.sos_sort_unindexed = True
        return query.filter(matching)


def _names(row) -> HistoryNames:
    # Read for the whole page (or export batch) at once by prepare_rows; one row alone otherwise.
    return g.get("sos_history_names") or HistoryNames(db.session, [row])


def _changes_html(view, context, model, name):
    lines = change_lines(model)
    return Markup("<br>").join(lines) if lines else ""


LIST_FORMATTERS = {
    "event": lambda v, c, m, n: event_label(m),
    "document": lambda v, c, m, n: _names(m).document_link(m),
    "item": lambda v, c, m, n: m.serial_unit.item.name,
    "serial_number": lambda v, c, m, n: m.serial_unit.serial_number,
    "status": lambda v, c, m, n: status_label(m),
    "place": lambda v, c, m, n: _names(m).place(m),
    "user": lambda v, c, m, n: _names(m).user(m),
    "changes": _changes_html,
}
EXPORT_FORMATTERS = {
    **LIST_FORMATTERS,
    "document": lambda v, c, m, n: _names(m).document_number(m),
    "changes": lambda v, c, m, n: "; ".join(change_lines(m, arrow="->")),
}


class SerialHistoryReportView(SerialPlanOnly, LookupOptions, SafeCsvExport, LargeList, SecuredModelView):
    read_right = "read_serial_units"
    create_right = None
    edit_right = None
    delete_right = None

    column_list = ("date", "event", "document", "item", "serial_number", "status", "place", "user", "changes")
    column_labels = {"serial_number": "Serial number", "place": "Location / customer", "document": "Document"}
    column_formatters = LIST_FORMATTERS
    column_formatters_export = EXPORT_FORMATTERS
    column_sortable_list = (("date", ("date", "id")),)
    column_default_sort = [("date", False), ("id", False)]
    list_template = "sos/large_list.html"
    # Oldest first, deep pages by keyset on (date, id): the order of ix_serial_history_date.
    keyset_orders = {None: (SerialHistory.date, SerialHistory.id), "date": (SerialHistory.date, SerialHistory.id)}
    column_select_related_list = (SerialHistory.serial_unit,)
    column_display_actions = False
    named_filter_urls = True
    column_filters = (
        UnitItemFilter(SerialHistory.serial_unit_id, "Item", tracked_items),
        SerialPrefixFilter(SerialHistory.serial_unit_id, "Serial number"),
        CustomerFilter(SerialHistory.customer_id, "Customer", customers),
        FilterEqual(SerialHistory.transaction_type, "Transaction type", options=tuple(EVENT_LABELS.items())),
        DateFromFilter(SerialHistory.date, "Date"),
        DateToFilter(SerialHistory.date, "Date"),
    )

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if execute:
            self.prepare_rows(rows)
        return count, rows

    def prepare_rows(self, rows) -> None:
        g.sos_history_names = HistoryNames(db.session, rows)
