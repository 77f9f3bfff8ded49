"""An event of the outbox: written in the same database transaction as what it reports.

Delivery to its subscribers happens afterwards and is tracked per subscriber in ``EventDelivery``,
so an event is never lost with a crash between the commit and the notification.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import created_at

TRANSACTION_POSTED = "transaction.posted"
# A posted document voided: its units went back where it found them. Webhooks only (plugins hear postings).
TRANSACTION_VOIDED = "transaction.voided"
EVENT_TYPES = (TRANSACTION_POSTED, TRANSACTION_VOIDED)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_transaction", "transaction_id"),)

    # A UUID: receivers see it as the delivery's id and may see it more than once.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the event says besides the units, which its transaction's history rows hold.
    data: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = created_at()

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.type}>"
