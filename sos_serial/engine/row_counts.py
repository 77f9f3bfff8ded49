"""How many rows a list holds: counted exactly when few, estimated by PostgreSQL's planner when many.

An exact COUNT(*) reads every row it counts: a list of ten million units took seconds to count on each page,
longer than the page itself. Past ``exact_up_to`` rows the planner's estimate stands in, said as "about N";
below it, and on SQLite (which keeps no such estimate), the rows are counted.
"""
from __future__ import annotations

from sqlalchemy import func, literal_column, select


class EstimatedCount(int):
    """A row count that is the planner's estimate: arithmetic as the number, shown as "about N"."""

    estimated = True

    def __str__(self) -> str:
        return f"about {int(self):,}"

    def __format__(self, spec: str) -> str:
        return "about " + int.__format__(self, spec)


def planner_rows(session, statement) -> int | None:
    """PostgreSQL's estimate of the rows ``statement`` (a SELECT) returns; None on another database."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    compiled = statement.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    # EXPLAIN without ANALYZE plans the query and runs nothing; the values stay bound parameters.
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])


def rows_of(count_statement):
    """The rows a ``SELECT count(...) FROM ... WHERE ...`` counts, as a SELECT of them."""
    return count_statement.with_only_columns(literal_column("1"), maintain_column_froms=True)


def count_rows(session, count_statement, exact_up_to: int) -> int:
    """The count ``count_statement`` (a SELECT count(...)) gives, or the planner's estimate of it past ``exact_up_to``."""
    estimate = planner_rows(session, rows_of(count_statement))
    if estimate is not None and estimate > exact_up_to:
        return EstimatedCount(estimate)
    return session.scalar(count_statement)


def count_of(session, conditions, column, exact_up_to: int) -> int:
    """The rows of ``column``'s table meeting ``conditions``: exact up to ``exact_up_to``, estimated past it."""
    return count_rows(session, select(func.count(column)).where(*conditions), exact_up_to)
