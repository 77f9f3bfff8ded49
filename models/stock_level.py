"""On-hand quantity of an item at a location, for items tracked by quantity only."""
from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db


class StockLevel(db.Model):
    __tablename__ = "stock_levels"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id", ondelete="RESTRICT"), primary_key=True)
    quantity: Mapped[int] = mapped_column(nullable=False, default=0)

    def __repr__(self) -> str:
        return f"<StockLevel item={self.item_id} location={self.location_id} qty={self.quantity}>"
