"""Lists of millions of rows: the count estimated past a threshold, and deep pages reached by the rows' own keys.

Flask-Admin counts every row for its pager and reaches page N by OFFSET, which reads and throws away every row
before it: at ten million units page 10,000 took seconds, the count as long. A list on this mixin instead

- counts exactly up to ``count_exact_up_to`` rows and shows the planner's estimate past it ("about N");
- offers, when its count is estimated or a cursor is in use, First, Previous, Next and Last links that carry a
  row's id (``?after=ID``, ``?before=ID``, ``?last=1``): the page is then the rows after (or before) that row in
  the list's order, read from the index in that order, however deep (keyset paging). The order is the sort
  column then the id, so ties in the sort column are neither lost nor repeated between pages;
- refuses a page number past ``max_offset_rows`` rows while the count is estimated, saying how to get there.

A sort named in ``keyset_orders`` (None: the default order) pages by keyset; another sort (a joined column, a
column that may be empty) keeps page numbers, capped as above.
"""
from __future__ import annotations

from flask import flash, g, request, url_for
from sqlalchemy import func, select, tuple_

from sos_serial.engine.row_counts import EstimatedCount, count_rows
from sos_serial.extensions import db
from sos_serial.security.request_input import query_int

# Counted exactly up to this many rows: an index count of 100,000 rows takes milliseconds.
COUNT_EXACT_UP_TO = 100_000
# The deepest row a page number reaches by OFFSET while the count is estimated (page 200 of 50 rows).
MAX_OFFSET_ROWS = 10_000
AFTER, BEFORE, LAST = "after", "before", "last"


class _CountQuery:
    """Flask-Admin's count query, narrowed by the search and filters as usual, counted by ``count_rows``."""

    def __init__(self, query, exact_up_to: int):
        self._query, self._exact_up_to = query, exact_up_to

    def __getattr__(self, name):
        attribute = getattr(self._query, name)
        if not callable(attribute):
            return attribute

        def narrowed(*args, **kwargs):
            result = attribute(*args, **kwargs)
            return _CountQuery(result, self._exact_up_to) if type(result) is type(self._query) else result
        return narrowed

    def scalar(self):
        count = count_rows(db.session, self._query.statement, self._exact_up_to)
        # Noted for the page's query, which Flask-Admin builds after counting.
        g.sos_count_estimated = isinstance(count, EstimatedCount)
        return count


class LargeList:
    """Mixin for a SecuredModelView over a table of millions of rows (see the module's words)."""

    count_exact_up_to = COUNT_EXACT_UP_TO
    max_offset_rows = MAX_OFFSET_ROWS
    # Sort column name (None: the list's default order) -> the model's columns the pages follow, the id last.
    keyset_orders: dict = {}

    # ---- the count ------------------------------------------------------------------------------
    def get_count_query(self):
        return _CountQuery(super().get_count_query(), self.count_exact_up_to)

    # ---- the page -------------------------------------------------------------------------------
    def _cursor(self) -> tuple[str, int | None] | None:
        if request.args.get(LAST):
            return LAST, None
        for direction in (AFTER, BEFORE):
            row_id = query_int(direction, low=1)
            if row_id is not None:
                return direction, row_id
        return None

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        keys = self.keyset_orders.get(sort_column) if sort_column in self.keyset_orders else None
        cursor = self._cursor() if keys is not None and execute else None
        g.sos_keyset = {"keys": keys, "desc": bool(sort_desc), "cursor": cursor}
        count, rows = super().get_list(None if cursor else page, sort_column, sort_desc, search, filters, execute,
                                       page_size)
        if not execute:
            return count, rows
        if cursor and cursor[0] in (BEFORE, LAST):
            rows = list(reversed(rows))  # read backwards from the cursor; shown in the list's order
        size = page_size or self.page_size
        if isinstance(count, EstimatedCount) and not cursor and not page and len(rows) < size:
            count = len(rows)  # the whole list is on this page: its count is known
        g.sos_large_list = {"estimated": isinstance(count, EstimatedCount), "cursor": cursor, "rows": rows,
                            "full": len(rows) == size, "keyset": keys is not None, "page": page or 0}
        return count, rows

    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        state = g.get("sos_keyset")
        if not state or state["keys"] is None:
            return super()._apply_sorting(query, joins, sort_column, sort_desc)
        keys, cursor = state["keys"], state["cursor"]
        if g.get("sos_sort_unindexed"):
            # A filter that found its rows through other indexes asks for them to be sorted, not read in the
            # sort's index order: the same order, through expressions no index holds.
            keys = tuple(func.coalesce(key, key) for key in keys)
        # Read backwards for "before" and "last": the rows nearest the cursor, or the end, come first.
        backwards = cursor is not None and cursor[0] in (BEFORE, LAST)
        descending = state["desc"] != backwards
        if cursor is not None and cursor[1] is not None:
            values = db.session.execute(select(*keys).where(self.model.id == cursor[1])).first()
            if values is not None:
                row, there = tuple_(*keys), tuple_(*values)
                query = query.filter(row < there if descending else row > there)
        return query.order_by(*(key.desc() if descending else key for key in keys)), joins

    def _apply_pagination(self, query, page, page_size):
        if g.get("sos_keyset", {}).get("cursor"):
            return query.limit(page_size or self.page_size)
        size = page_size or self.page_size
        if page and size and page * size > self.max_offset_rows and g.get("sos_count_estimated"):
            flash(f"Page {page + 1:,} is past row {self.max_offset_rows:,} of a list this long: use Next and Last, "
                  "which go straight to the rows, or narrow the list with a filter or the search.", "warning")
            return query.limit(0)
        return super()._apply_pagination(query, page, page_size)

    # ---- the links --------------------------------------------------------------------------------
    def keyset_links(self) -> dict | None:
        """First, Previous, Next and Last for the page shown, or None when the page numbers serve."""
        state = g.get("sos_large_list")
        if not state or not state["keyset"] or not (state["estimated"] or state["cursor"]):
            return None
        rows, cursor = state["rows"], state["cursor"]
        args = {key: value for key, value in request.args.items() if key not in (AFTER, BEFORE, LAST, "page")}

        def link(**cursor_arg) -> str:
            return url_for(".index_view", **args, **cursor_arg)
        at_end = cursor is not None and cursor[0] == LAST
        at_start = cursor is None or (cursor[0] == BEFORE and not state["full"])
        return {
            "first": None if at_start and cursor is None else link(),
            "previous": None if at_start or not rows else link(before=self.get_pk_value(rows[0])),
            "next": None if at_end or not state["full"] else link(after=self.get_pk_value(rows[-1])),
            "last": None if at_end else link(last=1),
        }

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["keyset_links"] = self.keyset_links()
        return super().render(template, **kwargs)
