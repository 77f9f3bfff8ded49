"""An item: what is stocked, whether its units are serial-tracked, and what is on hand."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from sos_serial.extensions import db
from sos_serial.limits import (
    AUTO_SERIAL_MAX_LENGTH,
    AUTO_SERIAL_PREFIX_MAX_LENGTH,
    ITEM_NAME_MAX_LENGTH,
    SKU_MAX_LENGTH,
)
from sos_serial.money import Money

from ._columns import created_at, custom_fields, custom_fields_index, name_column, updated_at
from .warranty import Warranty


class Item(db.Model):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("quantity_on_hand >= 0", name="quantity_not_negative"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
        CheckConstraint(f"auto_serial_length BETWEEN 1 AND {AUTO_SERIAL_MAX_LENGTH}",
                        name="auto_serial_length_range"),
        CheckConstraint("auto_serial_next_number >= 0", name="auto_serial_next_number_not_negative"),
        custom_fields_index("items"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = name_column(ITEM_NAME_MAX_LENGTH)
    sku: Mapped[str | None] = mapped_column(String(SKU_MAX_LENGTH), unique=True)
    # The item's GS1 trade item number as entered (8, 12, 13 or 14 digits), and the same number as the
    # 14 digits a barcode's AI 01 carries: a UPC-A and its GTIN-14 are one item, so uniqueness is on this.
    gtin: Mapped[str | None] = mapped_column(String(14))
    gtin14: Mapped[str | None] = mapped_column(String(14), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    track_serials: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, active_history=True)
    warranty_id: Mapped[int | None] = mapped_column(ForeignKey("warranties.id", ondelete="RESTRICT"), index=True)
    # The default cost a receipt line takes when none is given.
    cost: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    # Kept by posting only: units (or pieces) in stock across all locations, and their value.
    quantity_on_hand: Mapped[int] = mapped_column(nullable=False, default=0, active_history=True)
    value: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), active_history=True)
    # The item's own automatic numbering, used instead of the company's when it has a prefix
    # (even with the company's switch off); a length or next number left empty falls back to
    # the company's length and to 1. The posting moves the next number on, like the company's.
    auto_serial_prefix: Mapped[str | None] = mapped_column(String(AUTO_SERIAL_PREFIX_MAX_LENGTH))
    auto_serial_length: Mapped[int | None] = mapped_column()
    auto_serial_next_number: Mapped[int | None] = mapped_column()
    custom_fields: Mapped[dict] = custom_fields()
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    warranty: Mapped[Warranty | None] = relationship(lazy="joined")

    @validates("gtin")
    def _keep_gtin14(self, key, value):
        # Checked where it is entered (engine/gtin.py); here only kept in step with its 14-digit form.
        self.gtin14 = value.zfill(14) if value else None
        return value

    @property
    def numbers_itself(self) -> bool:
        """Whether the item has automatic numbering of its own (a prefix), company switch or not."""
        return bool(self.auto_serial_prefix)

    def numbers_automatically(self, settings) -> bool:
        """Whether a line of this item may ask for automatic numbers: the company's switch, or its own prefix."""
        return bool(settings.auto_serial_enabled) or self.numbers_itself

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Item {self.id} {self.name!r}>"
