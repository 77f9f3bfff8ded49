"""CSV exports a spreadsheet opens safely: streamed in batches, no cell able to start a formula."""
from __future__ import annotations

from decimal import Decimal

from sos_serial.extensions import db

# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


class SafeCsvExport:
    """Mixin for a ModelView: CSV export of every matching row, in batches, every cell neutralised."""

    can_export = True
    export_max_rows = 0  # no cap: rows are streamed, never all held at once
    export_batch_size = 1000

    def prepare_rows(self, rows) -> None:
        """Called with each batch of rows before they are shown or exported (read what they refer to)."""

    def _export_data(self):
        view_args = self._get_list_extra_args()
        sort_column = self._get_column_by_idx(view_args.sort)
        count, query = self.get_list(
            0, sort_column[0] if sort_column else None, view_args.sort_desc, view_args.search,
            view_args.filters, execute=False, page_size=self.export_max_rows,
        )
        return count, self._batches(query)

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
