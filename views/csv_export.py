"""CSV exports a spreadsheet opens safely: streamed in batches, no cell able to start a formula, each one recorded."""
from __future__ import annotations

from decimal import Decimal

from flask import flash
from flask_login import current_user

from sos_serial.extensions import db
from sos_serial.models.user import SUPPORT
from sos_serial.security import audit

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The rows one export may write, by role: the first rows in the list's order. A role not named has no
# cap (the rows are streamed, so a large export costs time, not memory). Support answers questions
# about a few units; a whole inventory leaving through a support account is what the cap prevents.
EXPORT_ROW_LIMITS = {SUPPORT: 10_000}


def neutralise_cell(value) -> str:
    """The cell as text, with a leading single quote if it could start a formula.

    Every CSV the app writes passes its cells through here (SecuredModelView.get_export_value for
    the screens' exports, the reports' own writers). A number the code writes as a number (a
    quantity, a value, days left) is not text anyone typed and stays a number, minus sign and all;
    the same characters typed into a name or a serial are text and are quoted.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_row_limit(user) -> int:
    """The rows one export of ``user`` may write; 0 for no cap."""
    return EXPORT_ROW_LIMITS.get(getattr(user, "role", None), 0)


def export_limit_message(limit: int, count: int) -> str:
    """What a user whose exports are capped reads on a list longer than the cap."""
    return (f"This list has {count:,} rows; an export gives its first {limit:,}, the most the "
            f"{current_user.role} role may export at once. Narrow the list with filters to export the rest.")


class StreamedCsvExport:
    """Mixin for a ModelView (SecuredModelView has it): the CSV export streamed, capped per role, and recorded.

    Flask-Admin's own export reads every row into a list before it writes the first; here the rows
    are read ``export_batch_size`` at a time while the answer streams, so memory stays flat however
    long the list. Each export writes an ``export`` entry in the audit log: who, which screen, its
    filters and search, and the rows it writes.
    """

    export_batch_size = 1000

    @property
    def export_max_rows(self) -> int:  # read by Flask-Admin per request: the signed-in user's cap
        return export_row_limit(current_user)

    def prepare_rows(self, rows) -> None:
        """Called with each batch of rows before they are exported (read what they refer to)."""

    def render(self, template, **kwargs):
        # The list page says when an export would stop short of the list, before the user asks for one.
        limit = self.export_max_rows
        count = kwargs.get("count")
        if (template == self.list_template and self.can_export and limit and isinstance(count, int)
                and count > limit):
            flash(export_limit_message(limit, count), "info")
        return super().render(template, **kwargs)

    def _export_data(self):
        # Flask-Admin's own method, reading a query instead of a list (its check of macros in
        # column_formatters_export is left out: the module's views have none).
        view_args = self._get_list_extra_args()
        sort_column = self._get_column_by_idx(view_args.sort)
        limit = self.export_max_rows
        count, query = self.get_list(
            0, sort_column[0] if sort_column else None, view_args.sort_desc, view_args.search,
            view_args.filters, execute=False, page_size=limit,
        )
        if count is None:
            count = query.order_by(None).count()
        rows = min(count, limit) if limit else count
        audit.record(db.session, action="export", target_type="screen", target_label=str(self.name),
                     detail={"screen": str(self.name), "endpoint": self.endpoint,
                             "filters": self._described_filters(view_args.filters),
                             "search": view_args.search or None, "rows": rows, "row_limit": limit or None},
                     commit=True)
        return count, self._batches(query)

    def _described_filters(self, filters) -> list[dict]:
        described = []
        for index, name, value in filters or ():
            operation = self._filters[index].operation()
            described.append({"filter": f"{name} {operation}", "value": value})
        return described

    def _batches(self, query):
        # This runs while the response streams, after the view's own session was closed at the end
        # of the request: read with the streaming context's session, which its teardown closes.
        query = query.with_session(db.session())
        batch = []
        for row in query.yield_per(self.export_batch_size):
            batch.append(row)
            if len(batch) == self.export_batch_size:
                self.prepare_rows(batch)
                yield from batch
                batch = []
        if batch:
            self.prepare_rows(batch)
            yield from batch


class SafeCsvExport:
    """Mixin for a SecuredModelView whose CSV export is on (the base streams and neutralises every export)."""

    can_export = True
