"""Statement helpers for long lists of values: ``column IN (...)`` as one bound value, one index probe per value,
and many rows each set to its own value in one statement."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import BigInteger, any_, bindparam, cast, func, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(session, column, values):
    """``column IN values`` as one bound parameter, however many values there are.

    An ``IN (…)`` list gets a placeholder per value, and SQLAlchemy renders each one: for a
    100,000-serial document that rendering cost more than the query. SQLite reads the list
    from one JSON text (``json_each``); PostgreSQL splits one text into an array
    (``= ANY(string_to_array(…))``: psycopg's list-to-array conversion took a fifth of a
    second for 100,000 serials). Both use the column's index.
    """
    values = list(values)
    if session.get_bind().dialect.name != "postgresql":
        listed = func.json_each(bindparam(None, json.dumps(values, default=json_value))).table_valued("value")
        return column.in_(select(listed.c.value))
    return column == any_(_array(column, values))


def rows_matching(session, statement, column, values):
    """The rows of ``statement`` (a select) whose ``column`` is one of ``values``: one index probe per value.

    On PostgreSQL a long ``= ANY(…)`` list is costed as a share of the table, and for
    30,000 serials among a million units the planner chose to read the whole table (0.19 s)
    over probing the index (0.05 s); the gap grows with the table. Each value is looked up
    on its own instead, in a LATERAL subquery (OFFSET 0 keeps it from being merged into a join).
    """
    values = list(values)
    if session.get_bind().dialect.name != "postgresql":
        return session.execute(statement.where(one_of(session, column, values)))
    wanted = func.unnest(_array(column, values)).table_valued("value").render_derived(name="wanted")
    found = statement.where(column == wanted.c.value).offset(0).lateral("found")
    return session.execute(select(*found.c).select_from(wanted).join(found, true()))


def rows_matching_pairs(session, statement, columns, pairs):
    """The rows of ``statement`` whose two ``columns`` hold one of ``pairs``: one statement for all of them,
    one index probe per pair (a document of many lines names many items, each with a serial or two)."""
    first, second = columns
    pairs = list(pairs)
    if session.get_bind().dialect.name != "postgresql":
        listed = func.json_each(bindparam(None, json.dumps(pairs, default=json_value))).table_valued("value")
        wanted = select(func.json_extract(listed.c.value, "$[0]"), func.json_extract(listed.c.value, "$[1]"))
        return session.execute(statement.where(tuple_(first, second).in_(wanted)))
    wanted = func.unnest(_array(first, [a for a, _ in pairs]), _array(second, [b for _, b in pairs])) \
        .table_valued("first", "second").render_derived(name="wanted")
    found = statement.where(first == wanted.c.first, second == wanted.c.second).offset(0).lateral("found")
    return session.execute(select(*found.c).select_from(wanted).join(found, true()))


def set_by_id(session, table, column: str, values: dict[int, int]) -> None:
    """Set ``column`` of many rows of ``table`` at once, each to its own integer: ``values`` is {row id: value}.

    One statement whatever the number of rows (UPDATE … FROM the listed pairs), where an executemany sent
    one a row: ten thousand lines' costs took a second that way on PostgreSQL.
    """
    if not values:
        return
    listed = integer_rows(session, ("id", "value"), sorted(values.items()))
    session.execute(update(table).where(table.c.id == listed.c.id).values({table.c[column]: listed.c.value})
                    .execution_options(synchronize_session=False))


def integer_rows(session, names: tuple[str, ...], rows):
    """``rows`` of integers as a table named ``listed`` with columns ``names``, sent as one value per column on
    PostgreSQL (unnest of arrays) and one JSON text on SQLite (json_each): for an UPDATE … FROM or a join."""
    rows = list(rows)
    if session.get_bind().dialect.name != "postgresql":
        listed = func.json_each(bindparam(None, json.dumps(rows))).table_valued("value")
        return select(*(func.json_extract(listed.c.value, f"$[{n}]").label(name) for n, name in enumerate(names))) \
            .subquery("listed")
    columns = [_integers([row[n] for row in rows]) for n in range(len(names))]
    return func.unnest(*columns).table_valued(*names).render_derived(name="listed")


def _integers(values):
    return cast(func.string_to_array(bindparam(None, ",".join(map(str, values))), ","), ARRAY(BigInteger))


def _array(column, values):
    """A PostgreSQL array of ``values`` for ``column``, sent as one text."""
    if column.type.python_type is int:
        return _integers(values)
    if not any(_UNIT_SEPARATOR in value for value in values):
        return func.string_to_array(bindparam(None, _UNIT_SEPARATOR.join(values)), _UNIT_SEPARATOR)
    return bindparam(None, values, type_=ARRAY(column.type))


# Joins text values for string_to_array; serial numbers cannot hold control characters.
_UNIT_SEPARATOR = "\x1f"


def json_value(value):
    """How a value that JSON has no type for is written in JSON text sent to SQLite."""
    # Dates are stored as ISO text on SQLite, the form SQLAlchemy's Date type reads back.
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} values cannot be sent to the database as JSON; "
                    "convert them to their stored form")
