"""Switching PostgreSQL's per-row foreign-key triggers off for a statement whose keys are checked once.

A statement writing many rows names, per table it writes, a ``Write``: which key columns
differ row by row, which values every row shares, and which keys refer to rows the
transaction already holds. When every key qualifies, the rows are written with the per-row
triggers off and each shared key is checked once (see ``switched_triggers``). On SQLite this
module does nothing: its foreign-key checks are cheap and stay on.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Table

from sos_serial.errors import Conflict

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
        with switched_triggers(connection, cursor, writes):
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
def switched_triggers(connection, cursor, writes):
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
    # Safe: what is built in is the constant _RULES_ON; the table and event are bound parameters.
    query = ("SELECT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = %(table)s::regclass"  # noqa: S608
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
        # The model's own table and column names; the value is a bound parameter.
        found = cursor.execute(f"SELECT 1 FROM {parent.table.name} WHERE {parent.name} = %s FOR KEY SHARE",  # noqa: S608
                               (value,)).fetchone()
        if found is None:
            raise Conflict(f"A record this transaction refers to ({parent.table.name} id {value}) was removed "
                           "just now by someone else. Nothing was saved; reload and post again.")


def hold_rows(session, table, ids) -> None:
    """Lock the rows of ``table`` with these ids as a key check would (FOR KEY SHARE), so a statement that
    names them row by row may count them as held. Nothing on SQLite, whose key checks stay on."""
    ids = sorted(ids)
    connection = session.connection()
    if not ids or connection.dialect.name != "postgresql":
        return
    # The model's own table name; the ids are a bound parameter.
    found = connection.exec_driver_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM {table.name} WHERE id = ANY(%(ids)s) FOR KEY SHARE) AS held",  # noqa: S608
        {"ids": ids}).scalar()
    if found != len(ids):
        raise Conflict(f"A record this transaction refers to (in {table.name}) was removed just now by someone "
                       "else. Nothing was saved; reload and post again.")
