"""The audit log: who did what to which record, and when; rows are only ever added."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db
from sos_serial.limits import NAME_MAX_LENGTH

from ._append_only import refuse_changes
from ._columns import created_at, in_list

# How the action reached the app.
SCREEN = "screen"
API = "api"
CLI = "cli"
VIAS = (SCREEN, API, CLI)

ACTION_MAX_LENGTH = 40
LABEL_MAX_LENGTH = 200


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(in_list("via", VIAS), name="via_known"),
        # The screen and the API list newest first, by one of these filters or none.
        Index("ix_audit_log_at", "at", "id"),
        Index("ix_audit_log_actor", "actor_name", "id"),
        Index("ix_audit_log_action", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at()
    # No foreign key: the entry outlives its user, and a user's removal may not rewrite the log.
    # The name is kept as it was at the time, so a renamed or removed user's entries still read.
    actor_id: Mapped[int | None] = mapped_column()
    actor_name: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH))
    via: Mapped[str] = mapped_column(String(8), nullable=False)
    action: Mapped[str] = mapped_column(String(ACTION_MAX_LENGTH), nullable=False)
    target_type: Mapped[str | None] = mapped_column(String(ACTION_MAX_LENGTH))
    target_id: Mapped[int | None] = mapped_column()
    target_label: Mapped[str | None] = mapped_column(String(LABEL_MAX_LENGTH))
    # Changes: {field: [old, new]}; an export: the screen, its filters and the rows written.
    detail: Mapped[dict | None] = mapped_column(JSON)
    client_address: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} by {self.actor_name!r}>"


# The database refuses edits and deletions too, whoever connects, as for the serial history.
# The migration 0010_audit_log creates the same triggers.
refuse_changes(AuditEntry.__table__, "the audit log is append-only: entries can be neither changed nor deleted")
