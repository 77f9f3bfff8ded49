"""One event on its way to one subscriber: a plugin's ``transaction_posted`` or a webhook.

Each subscriber has its own row, so a receiver that fails is retried on its own schedule and
delays no other. A delivery is claimed by moving ``next_attempt_at`` past a lease; a worker that
dies mid-delivery leaves it due again when the lease runs out, so every event arrives at least once.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._columns import created_at, in_list
from .event import Event
from .webhook import Webhook

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
DELIVERY_STATUSES = (PENDING, DELIVERED, FAILED)


class EventDelivery(db.Model):
    __tablename__ = "event_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscriber", name="uq_event_deliveries_event_subscriber"),
        CheckConstraint(in_list("status", DELIVERY_STATUSES), name="status_known"),
        # The worker's question: which deliveries are due now.
        Index("ix_event_deliveries_due", "status", "next_attempt_at"),
        Index("ix_event_deliveries_webhook", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    # "plugin:<name>" for a transaction_posted implementation, "webhook:<id>" for a webhook.
    subscriber: Mapped[str] = mapped_column(String(200), nullable=False)
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at()

    event: Mapped[Event] = relationship()
    webhook: Mapped[Webhook | None] = relationship()

    def __repr__(self) -> str:
        return f"<EventDelivery {self.id} {self.subscriber} {self.status}>"
