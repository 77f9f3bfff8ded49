"""The audit log's one writer: sign-ins, users and tokens, settings, warranties, master data and exports.

``record`` is called where something happens that no record change shows (a sign-in, a token, an
export). Changes of settings, warranty definitions and master data are recorded by one session
listener instead, whatever wrote them (a screen, the API, a script): each flush outside a posting
adds an entry per changed record, with the changed fields old -> new. Postings are left out: the
serial history and the documents themselves are their record.
"""
from __future__ import annotations

import getpass
import logging
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from sos_serial.database.brief_write import write_briefly
from sos_serial.database.guard import column_changes, is_posting
from sos_serial.limits import TEXT_MAX_LENGTH
from sos_serial.models import AuditEntry, Customer, Item, Location, Settings, User, Vendor, Warranty
from sos_serial.models.audit_entry import API, CLI, LABEL_MAX_LENGTH, SCREEN

log = logging.getLogger(__name__)

# The records whose every change outside a posting is recorded, by the name their entries carry.
AUDITED = {Item: "item", Customer: "customer", Vendor: "vendor", Location: "location", Warranty: "warranty",
           Settings: "settings"}
# Columns kept by the app itself, not by whoever made the change.
NOT_RECORDED = {"id", "created_at", "updated_at"}


def actor_of_request() -> tuple[User | None, str | None, str, str | None]:
    """Who is acting now, by what way, from which address: (user, name, via, address).

    The API's token user, else the signed-in user of a screen; outside a request, the command line
    and the operating system's user who ran it.
    """
    if not has_request_context():
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no name for the process's user id (a bare container)
            name = None
        return None, name, CLI, None
    address = request.remote_addr
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user, api_user.username, API, address
    if current_user and current_user.is_authenticated:
        return current_user, current_user.username, SCREEN, address
    return None, None, SCREEN, address


def record(session: Session, *, action: str, target=None, target_type: str | None = None,
           target_label: str | None = None, detail: dict | None = None, actor: User | None = None,
           commit: bool = False) -> None:
    """Add an audit entry of ``action`` by whoever acts now (``actor`` when given) to ``session``'s transaction.

    ``target``: the record acted on (its type, id and label are taken from it), or ``target_type`` and
    ``target_label`` alone. ``commit``: write the entry in a unit of work of its own (a sign-in, an
    export); a database too busy to take it is logged, and the action goes on.
    """
    who, name, via, address = actor_of_request()
    if actor is not None:
        who, name = actor, actor.username
    target_id = None
    if target is not None:
        if inspect(target).pending:
            session.flush()
        target_type = target_type or _type_name(target)
        target_id = target.id
        target_label = target_label or str(target)
    entry = AuditEntry(actor_id=who.id if who is not None else None, actor_name=name, via=via, action=action,
                       target_type=target_type, target_id=target_id, target_label=_label(target_label),
                       detail=_plain(detail) if detail is not None else None, client_address=address)
    if not commit:
        session.add(entry)
        return
    # Written on its own, waiting only briefly for the lock: a sign-in or an export goes on while a long
    # posting holds SQLite's lock, and the server's log keeps the entry the audit log could not take.
    values = {column.key: getattr(entry, column.key) for column in AuditEntry.__table__.columns
              if column.key != "id" and getattr(entry, column.key) is not None}
    write_briefly(session.get_bind(), insert(AuditEntry.__table__).values(values),
                  f"write the audit entry {action} by {name} ({detail})")


def _type_name(record) -> str:
    return AUDITED.get(type(record)) or type(record).__name__.lower()


def _label(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= LABEL_MAX_LENGTH else text[:LABEL_MAX_LENGTH - 1] + "…"


def _plain(value):
    """A value as JSON holds it: money and dates as text, containers walked, text no longer than a note may be
    (a username tried at sign-in is whatever the sender typed, of any length)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= TEXT_MAX_LENGTH else value[:TEXT_MAX_LENGTH - 1] + "…"
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        # An uploaded file (the company's logo): its size says it changed; its bytes are no reading for anyone.
        return f"{len(value):,} bytes"
    return _plain(str(value))


def _changed_records(session: Session, flush_context) -> None:
    """After each flush outside a posting: an entry for every audited record created, changed or deleted."""
    if is_posting(session):
        return
    found = []
    for obj in session.new:
        kind = AUDITED.get(type(obj))
        if isinstance(obj, Settings):
            # The one settings row is made on first use, with the defaults: only a value set apart
            # from its default (a first save of the settings screen) is a change.
            changes = _changes_from_defaults(obj)
            if changes:
                found.append((obj, "settings.changed", changes))
        elif kind is not None:
            found.append((obj, f"{kind}.created", _changes(obj, new=True)))
    for obj in session.dirty:
        kind = AUDITED.get(type(obj))
        if kind is not None and session.is_modified(obj):
            changes = _changes(obj)
            if changes:
                found.append((obj, f"{kind}.changed", changes))
    for obj in session.deleted:
        kind = AUDITED.get(type(obj))
        if kind is not None:
            was = {attr.key: [getattr(obj, attr.key), None] for attr in inspect(obj).mapper.column_attrs
                   if attr.key not in NOT_RECORDED and getattr(obj, attr.key) is not None}
            found.append((obj, f"{kind}.deleted", was))
    if not found:
        return
    who, name, via, address = actor_of_request()
    rows = [{"actor_id": who.id if who is not None else None, "actor_name": name, "via": via, "action": action,
             "target_type": AUDITED[type(obj)], "target_id": obj.id,
             "target_label": _label("Settings" if isinstance(obj, Settings) else str(obj)),
             "detail": _plain({"changes": changes}), "client_address": address}
            for obj, action, changes in found]
    # Written on the flush's own connection, in its transaction: the entries stand or fall with the change.
    session.connection().execute(insert(AuditEntry.__table__), rows)


def _changes(obj, new: bool = False) -> dict:
    return {key: [old, value] for key, (old, value) in column_changes(obj, new=new).items()
            if key not in NOT_RECORDED}


def _changes_from_defaults(obj) -> dict:
    changes = {}
    for column in obj.__table__.columns:
        if column.key in NOT_RECORDED:
            continue
        default = column.default.arg if column.default is not None and column.default.is_scalar else None
        value = getattr(obj, column.key)
        if value != default:
            changes[column.key] = [default, value]
    return changes


def install(session_target) -> None:
    """Listen on the app's sessions; safe to call once per process."""
    if not event.contains(session_target, "after_flush", _changed_records):
        event.listen(session_target, "after_flush", _changed_records)
