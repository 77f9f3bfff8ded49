"""A stock count: one location's units counted by scanning, closed into the documents that set stock right."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._columns import in_list, only_where, utcnow
from .location import Location

OPEN = "open"
CLOSED = "closed"
CANCELLED = "cancelled"
COUNT_STATUSES = (OPEN, CLOSED, CANCELLED)
COUNT_STATUS_LABELS = {OPEN: "Open", CLOSED: "Closed", CANCELLED: "Cancelled"}
NUMBER_PREFIX = "SC-"


class StockCount(db.Model):
    __tablename__ = "stock_counts"
    __table_args__ = (
        CheckConstraint(in_list("status", COUNT_STATUSES), name="status_known"),
        Index("ix_stock_counts_location_status", "location_id", "status"),
        # One open count per location: two would each post the other's scans as missing.
        Index("uq_stock_counts_open_location", "location_id", unique=True, **only_where("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="RESTRICT"), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=OPEN)
    # How many units the location held when the count started: the clerk's first figure, kept as it was.
    expected_at_start: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # What the scans found when they were made, kept as they are saved: a scan's answer reads these instead of
    # counting 100,000 rows. The live view and the close read the units' places anew.
    scanned: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    scanned_counted: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    scanned_elsewhere: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    scanned_unknown: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    location: Mapped[Location] = relationship()

    @property
    def status_label(self) -> str:
        return COUNT_STATUS_LABELS.get(self.status, self.status)

    def __str__(self) -> str:
        return self.number or f"{NUMBER_PREFIX}{self.id}"
