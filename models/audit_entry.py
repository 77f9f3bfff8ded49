"""The audit log: who did what to which record, and when; rows are only ever added."""
from datetime import datetime

from sqlalchemy import DDL, JSON, CheckConstraint, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db
from sos_serial.limits import NAME_MAX_LENGTH

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
APPEND_ONLY_MESSAGE = "the audit log is append-only: entries can be neither changed nor deleted"
POSTGRESQL_APPEND_ONLY = [
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'restrict_violation';
END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
]
SQLITE_APPEND_ONLY = [
    f"""CREATE TRIGGER audit_log_no_{verb} BEFORE {verb.upper()} ON audit_log
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"""
    for verb in ("update", "delete")
]
for _statement in POSTGRESQL_APPEND_ONLY:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_APPEND_ONLY:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
