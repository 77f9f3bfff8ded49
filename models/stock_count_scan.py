"""One serial scanned into a stock count: as scanned, its key, and the unit it named when it was scanned."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db
from sos_serial.limits import SERIAL_MAX_LENGTH

from ._columns import in_list, utcnow
from .serial_unit import SerialKey

COUNTED = "counted"        # in stock at the counted location
ELSEWHERE = "elsewhere"    # a known unit the system places somewhere else
UNKNOWN = "unknown"        # no unit has this serial
SCAN_RESULTS = (COUNTED, ELSEWHERE, UNKNOWN)


class StockCountScan(db.Model):
    __tablename__ = "stock_count_scans"
    __table_args__ = (
        CheckConstraint(in_list("result", SCAN_RESULTS), name="result_known"),
        # A serial counts once per count, whoever scans it: two clerks scanning the same unit at once
        # make one row, and the second is told it was already scanned.
        Index("uq_stock_count_scans_count_key", "count_id", "serial_key", unique=True),
        # The live view: which expected units were scanned, and the scans of one kind, in scan order.
        Index("ix_stock_count_scans_count_unit", "count_id", "unit_id"),
        Index("ix_stock_count_scans_count_result", "count_id", "result", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id", ondelete="CASCADE"), nullable=False)
    serial_number: Mapped[str] = mapped_column(String(SERIAL_MAX_LENGTH), nullable=False)
    serial_key: Mapped[str] = mapped_column(SerialKey, nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id", ondelete="RESTRICT"))
    # What the scan found at the moment it was made; the live view and the close read the unit's place anew.
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
