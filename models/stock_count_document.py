"""A document a stock count's close posted, and what it was for: missing units, units from elsewhere, units found."""
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._columns import in_list
from .transaction import Transaction

MISSING = "missing"      # the adjustment out
TRANSFER = "transfer"    # a transfer in from one other location
FOUND = "found"          # the adjustment in: unknown serials and units that had left stock
PURPOSES = (MISSING, TRANSFER, FOUND)


class StockCountDocument(db.Model):
    __tablename__ = "stock_count_documents"
    __table_args__ = (CheckConstraint(in_list("purpose", PURPOSES), name="purpose_known"),)

    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id", ondelete="CASCADE"), primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id", ondelete="RESTRICT"), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)

    transaction: Mapped[Transaction] = relationship()
