"""Statements over many rows at once: inserting them, and matching a column against a long list.

Bulk inserts: a 100,000-serial receipt writes 300,000 rows. Building them through
SQLAlchemy's per-row parameter processing costs more than the database's own work, so the
posting hands plain values to the driver in one statement per table: ``COPY`` on
PostgreSQL, and on SQLite a single ``INSERT … SELECT`` over the rows passed as one JSON array
(``json_each``, ``json_extract``). An ``executemany`` of the same rows runs one statement per
row, each opening its own statement journal and foreign-key checks: measured at about twice
the time on a table of a million units. Values must already be in their stored form (money
as ``money.to_storage`` integers, dates as dates); columns left out take their server
defaults (timestamps, version).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from sqlalchemy import BigInteger, Table, any_, bindparam, cast, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from sos_serial.errors import Conflict


def bulk_insert(session, table, columns: list[str], rows, same: dict | None = None, held=()) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the session's transaction.

    ``same`` holds the values every row shares ({column: value}); SQLite binds them once
    instead of carrying them in each row. ``held`` names the columns of ``columns`` whose
    referenced rows this transaction already holds: rows it inserted, or locked by updating them.
    """
    if not rows:
        return
    same = same or {}
    connection = session.connection()
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.dbapi_connection.cursor()
    names = ", ".join([*columns, *same])
    try:
        if connection.dialect.name == "postgresql":
            statement = f"COPY {table.name} ({names}) FROM STDIN"
            with _keys_checked_once(connection, cursor, [Write(table, INSERT, tuple(columns), same, tuple(held))]):
                with cursor.copy(statement) as copy:
                    copy.write(_copy_text(rows, same.values()))
        else:
            picks = ", ".join([*(f"json_extract(value, '$[{n}]')" for n in range(len(columns))), *("?" * len(same))])
            statement = f"INSERT INTO {table.name} ({names}) SELECT {picks} FROM json_each(?)"
            listed = json.dumps(rows, default=_json_value, separators=(",", ":"))
            cursor.execute(statement, (*same.values(), listed))
    except dbapi.Error as exc:
        # Surface driver errors as SQLAlchemy's (IntegrityError, ...), as every other statement does.
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


# pg_trigger.tgtype bits of the events a statement fires.
INSERT, UPDATE = 4, 16


@dataclass(frozen=True)
class Write:
    """What a statement writes into one table: the key columns that differ row by row
    (``columns``), the values every row shares (``same``), and which of ``columns`` refer to rows
    this transaction already holds (``held``: rows it inserted, or locked by updating them).
    An UPDATE that sets ``same`` on many rows is ``Write(table, UPDATE, same=values)``; it must
    not change the rows' own key (their id).
    """
    table: Table
    event: int
    columns: tuple = ()
    same: dict = field(default_factory=dict)
    held: tuple = ()


@contextmanager
def keys_checked_once(session, *writes: Write):
    """Around a statement making ``writes``: check each key they set once, not once per row."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with _keys_checked_once(connection, cursor, writes):
            yield
    finally:
        cursor.close()


# PostgreSQL checks a foreign key with a trigger per written row, each one a query: on a
# 100,000-serial receipt those checks took longer than writing the rows and all their indexes.
# When every key the rows carry is either one value shared by all of them or a row this
# transaction already holds, they are written with the per-row triggers off
# (session_replication_role, the switch pg_dump uses to restore data) and each shared key is
# checked once instead, with the lock the trigger would take (FOR KEY SHARE: nobody can delete
# or re-key that row until this transaction ends). Unique, check and not-null constraints
# still apply. The triggers stay on when a table written has any other trigger for that
# statement (an integrator's, say), or when the database role may not set
# session_replication_role (superuser, or on PostgreSQL 15 and later
# `GRANT SET ON PARAMETER session_replication_role`). One statement may write several tables
# (a data-modifying WITH): the triggers go off only if every one of them qualifies.
@contextmanager
def _keys_checked_once(connection, cursor, writes):
    checked = all(_references_checked_here(connection, cursor, write) for write in writes)
    if checked:
        for write in writes:
            _hold_references(cursor, write.table, write.same)
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    # Not in a finally: after an error the transaction is rolled back, which ends SET LOCAL too,
    # and a statement sent into an aborted transaction would hide the error itself.
    if checked:
        cursor.execute("SET LOCAL session_replication_role = origin")


def _references_checked_here(connection, cursor, write: Write) -> bool:
    """Whether ``write``'s rows may skip the per-row key triggers."""
    for key in write.table.foreign_keys:
        name = key.parent.name
        if name in write.same or (name in write.columns and name in write.held):
            continue
        if name in write.columns or (write.event == INSERT and key.parent.server_default is not None):
            return False  # a key that differs row by row, or a default nobody checked
    # Rewrite rules are switched off by the same setting, so a table with one keeps its triggers.
    query = ("SELECT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = %(table)s::regclass"
             " AND t.tgtype & %(event)s <> 0 AND t.tgenabled <> 'D' AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
             f" WHERE c.oid = t.tgconstraint AND c.contype = 'f')) OR {_RULES_ON}, "
             "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")
    if connection.dialect.server_version_info >= (15,):
        query += " OR has_parameter_privilege('session_replication_role', 'SET')"
    other_triggers, may_switch = cursor.execute(
        query, {"table": write.table.name, "tables": [write.table.name], "event": write.event}).fetchone()
    return may_switch and not other_triggers


# Whether any of %(tables)s has a rewrite rule (CREATE RULE), past the one every view has.
_RULES_ON = ("EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = ANY(%(tables)s::regclass[])"
             " AND r.rulename <> '_RETURN')")


def has_rewrite_rules(session, tables) -> bool:
    """Whether any of these PostgreSQL tables has a rewrite rule (CREATE RULE) of an integrator.

    PostgreSQL refuses most rules on tables written inside a WITH, so statements that would
    write them that way are split up instead.
    """
    names = [table.name for table in tables]
    return session.connection().exec_driver_sql(f"SELECT {_RULES_ON}", {"tables": names}).scalar()


def _hold_references(cursor, table, same) -> None:
    for key in table.foreign_keys:
        value = same.get(key.parent.name)
        if value is None:
            continue
        parent = key.column
        found = cursor.execute(f"SELECT 1 FROM {parent.table.name} WHERE {parent.name} = %s FOR KEY SHARE",
                               (value,)).fetchone()
        if found is None:
            raise Conflict(f"A record this transaction refers to ({parent.table.name} id {value}) was removed "
                           "just now by someone else. Nothing was saved; reload and post again.")


# COPY's text format, written here in one piece: psycopg's write_row, called once per row,
# took longer than the server needed to store the rows.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, date)):
        return str(value)  # a date's str() is its ISO form
    raise _unstorable(value)


def _copy_text(rows, shared) -> str:
    """The rows, then the shared values, as COPY text lines; encoded a column at a time."""
    # A column at a time by index: zip(*rows) over 100,000 rows took longer than encoding them.
    columns = [_copy_column(list(map(itemgetter(n), rows))) for n in range(len(rows[0]))]
    # The shared values end every line alike, so they are joined in with the line breaks.
    end = "".join(f"\t{_copy_field(value)}" for value in shared) + "\n"
    lines = columns[0] if len(columns) == 1 else map("\t".join, zip(*columns))
    return end.join(lines) + end


def _copy_column(values) -> list[str]:
    kinds = set(map(type, values))
    if kinds == {int}:
        return list(map(str, values))
    if kinds == {str}:
        text = "".join(values)
        if any(special in text for special in "\\\t\n\r"):
            return [value.translate(_COPY_ESCAPES) for value in values]
        return list(values)
    return [_copy_field(value) for value in values]


def _json_value(value):
    # Dates are stored as ISO text on SQLite, the form SQLAlchemy's Date type reads back.
    if isinstance(value, date):
        return value.isoformat()
    raise _unstorable(value)


def _unstorable(value) -> TypeError:
    return TypeError(f"bulk_insert cannot store {type(value).__name__} values; convert them to their stored form")


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
        listed = func.json_each(bindparam(None, json.dumps(values, default=_json_value))).table_valued("value")
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


def _array(column, values):
    """A PostgreSQL array of ``values`` for ``column``, sent as one text."""
    if column.type.python_type is int:
        return cast(func.string_to_array(bindparam(None, ",".join(map(str, values))), ","), ARRAY(BigInteger))
    if not any(_UNIT_SEPARATOR in value for value in values):
        return func.string_to_array(bindparam(None, _UNIT_SEPARATOR.join(values)), _UNIT_SEPARATOR)
    return bindparam(None, values, type_=ARRAY(column.type))


# Joins text values for string_to_array; serial numbers cannot hold control characters.
_UNIT_SEPARATOR = "\x1f"
