"""The one bridge from SQLAlchemy session events into the rule hooks.

Every write through the ORM passes here, whoever makes it (an admin screen, the API, a
script): changed items and serial units are put to the ``validate_*`` hooks before they
are flushed, and bulk statements before they run. The posting code marks its session
with :func:`posting_scope`, which is how a rule tells a transaction from a direct edit.
The audit log takes new entries only, whoever writes: no rule may allow more.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.schema import Table
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import Insert, Update, UpdateBase
from sqlalchemy.sql.selectable import CTE, Select

from sos_serial.errors import Conflict
from sos_serial.models import AuditEntry, Item, SerialHistory, SerialUnit, Settings

from .session_rules import rules_of

POSTING_FLAG = "sos_serial.engine.posting"
AUDIT_LOG_IS_PERMANENT = "The audit log is a permanent record: its entries can be neither changed nor deleted."


@contextmanager
def posting_scope(session: Session):
    """Mark writes in this block as made by posting a transaction."""
    previous = session.info.get(POSTING_FLAG, False)
    session.info[POSTING_FLAG] = True
    try:
        yield
    finally:
        session.info[POSTING_FLAG] = previous


def is_posting(session: Session) -> bool:
    return bool(session.info.get(POSTING_FLAG))


def column_changes(obj, new: bool = False) -> dict:
    """{attribute: (old, new)} for the columns of obj that changed since it was loaded."""
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if new:
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = (None, value)
        elif history.added:
            old = history.deleted[0] if history.deleted else None
            if history.added[0] != old:
                changes[attr.key] = (old, history.added[0])
    return changes


def _before_flush(session: Session, flush_context, instances) -> None:
    posting = is_posting(session)
    rules = rules_of(session)
    settings = None
    # session.new is built anew on each access: read once, or a flush of N new objects costs N * N.
    new = session.new
    for obj in list(new) + list(session.dirty):
        is_new = obj in new
        if isinstance(obj, Item):
            changes = column_changes(obj, new=is_new)
            if changes:
                if settings is None:
                    with session.no_autoflush:
                        settings = Settings.current(session)
                rules.validate_item_change(
                    session=session, item=obj, changes=changes, settings=settings, posting=posting
                )
        elif isinstance(obj, SerialUnit):
            changes = column_changes(obj, new=is_new)
            if changes and (is_new or session.is_modified(obj)):
                rules.validate_serial_unit_change(session=session, unit=obj, changes=changes, posting=posting)
        elif isinstance(obj, AuditEntry):
            if not is_new and session.is_modified(obj):
                raise Conflict(AUDIT_LOG_IS_PERMANENT)
        elif isinstance(obj, SerialHistory):
            kind = "insert" if is_new else "update"
            if is_new or session.is_modified(obj):
                rules.validate_history_write(session=session, kind=kind, posting=posting)
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise Conflict(AUDIT_LOG_IS_PERMANENT)
        if isinstance(obj, SerialHistory):
            rules.validate_history_write(session=session, kind="delete", posting=posting)
        elif isinstance(obj, (SerialUnit, Item)):
            rules.validate_bulk_statement(
                session=session, table=obj.__table__.name, columns=[], kind="delete", posting=posting
            )


def _do_orm_execute(state) -> None:
    writes = [(state.statement, state.parameters)] if (state.is_update or state.is_delete or state.is_insert) else []
    # A statement can also write through WITH: a posting on PostgreSQL moves units and writes
    # their history in one SELECT … FROM (UPDATE … RETURNING). Each such write is checked too.
    writes += [(cte.element, None) for cte in _data_modifying_ctes(state.statement)]
    for statement, parameters in writes:
        _check_write(state.session, statement, parameters)


def _data_modifying_ctes(statement) -> list:
    if not isinstance(statement, (Select, UpdateBase)):
        return []
    found = {id(node): node for node in visitors.iterate(statement)
             if isinstance(node, CTE) and isinstance(node.element, UpdateBase)}  # once each, however often named
    return list(found.values())


def _check_write(session, statement, parameters) -> None:
    # DML statements name their table, whether written against a model or a Core Table.
    table = statement.entity_description.get("table")
    if not isinstance(table, Table):
        return
    kind = "insert" if isinstance(statement, Insert) else "update" if isinstance(statement, Update) else "delete"
    posting = is_posting(session)
    rules = rules_of(session)
    if table is AuditEntry.__table__:
        if kind != "insert":
            raise Conflict(AUDIT_LOG_IS_PERMANENT)
        return
    if table is SerialHistory.__table__:
        rules.validate_history_write(session=session, kind=kind, posting=posting)
        return
    if kind == "insert":
        if table is SerialUnit.__table__ and not posting:
            rules.validate_bulk_statement(session=session, table=table.name, columns=["*"], kind="insert",
                                          posting=False)
        return
    columns = sorted(_updated_columns(session, statement, parameters)) if kind == "update" else []
    rules.validate_bulk_statement(session=session, table=table.name, columns=columns, kind=kind, posting=posting)


def _updated_columns(session, statement, parameters) -> set[str]:
    """Column names a bulk update sets, from .values() or from per-row parameter dicts.

    Read from the statement compiled for the session's database: a column set to a value
    is bound under its own name, one set to an expression (``quantity + 1``) is listed in
    ``postfetch``. A WHERE clause's values are bound under numbered names (``id_1``).
    """
    rows = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    given = {str(key) for row in rows for key in row}
    compiled = statement.compile(dialect=session.get_bind().dialect, column_keys=sorted(given) or None)
    names = given | {column.key for column in compiled.postfetch}
    names |= {name for name in compiled.params if name in statement.entity_description["table"].c}
    names.discard("id")
    return names


def install(session_target) -> None:
    """Listen on the app's sessions; safe to call once per process."""
    if not event.contains(session_target, "before_flush", _before_flush):
        event.listen(session_target, "before_flush", _before_flush)
        event.listen(session_target, "do_orm_execute", _do_orm_execute)
