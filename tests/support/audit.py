"""The audit log's entries as the tests read them: every one, or the only one of an action."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import AuditEntry


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        db.session.remove()
    return found


def only(app, action: str) -> AuditEntry:
    found = entries(app, action)
    assert len(found) == 1, [(e.action, e.actor_name, e.target_label) for e in entries(app)]
    return found[0]
