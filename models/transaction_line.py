"""A line of a transaction document: an item, a quantity, and what the line cost."""
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db
from sos_serial.money import Money

from ._columns import in_list
from .document_kind import ROLES
from .item import Item
from .transaction import Transaction


class TransactionLine(db.Model):
    __tablename__ = "transaction_lines"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        CheckConstraint(f"role IS NULL OR {in_list('role', ROLES)}", name="role_known"),
        Index("ix_transaction_lines_transaction", "transaction_id", "line_no", unique=True),
        Index("ix_transaction_lines_item", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("transactions.id", ondelete="CASCADE"), nullable=False)
    line_no: Mapped[int] = mapped_column(nullable=False)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"), nullable=False)
    # Signed for adjustments (negative takes stock out); positive everywhere else.
    quantity: Mapped[int] = mapped_column(nullable=False)
    role: Mapped[str | None] = mapped_column(String(8))
    unit_cost: Mapped[Decimal | None] = mapped_column(Money)
    # The value the line moved: for outbound lines, the cost taken out of stock.
    cost: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))

    transaction: Mapped[Transaction] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()

    def __repr__(self) -> str:
        return f"<TransactionLine {self.id} item={self.item_id} qty={self.quantity}>"
