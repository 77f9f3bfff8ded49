"""A FIFO cost layer: what an inbound line brought in at one cost, and how much of it is left."""
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db
from sos_serial.money import Money


class CostLayer(db.Model):
    __tablename__ = "cost_layers"
    __table_args__ = (
        CheckConstraint("quantity_remaining >= 0", name="remaining_not_negative"),
        CheckConstraint("quantity_remaining <= quantity", name="remaining_within_quantity"),
        # Oldest open layer first, per item.
        Index("ix_cost_layers_item_open", "item_id", "quantity_remaining", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"), nullable=False)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("transaction_lines.id", ondelete="RESTRICT"))
    quantity: Mapped[int] = mapped_column(nullable=False)
    quantity_remaining: Mapped[int] = mapped_column(nullable=False)
    unit_cost: Mapped[Decimal] = mapped_column(Money, nullable=False)

    def __repr__(self) -> str:
        return f"<CostLayer {self.id} item={self.item_id} {self.quantity_remaining}/{self.quantity}@{self.unit_cost}>"
