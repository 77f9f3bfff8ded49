"""Items: the fields a client may write, and the item answered with its figures on hand."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sos_serial.limits import AUTO_SERIAL_MAX_LENGTH, ITEM_NAME_MAX_LENGTH, MAX_ID, SKU_MAX_LENGTH, TEXT_MAX_LENGTH

from .common import (
    Answer,
    CustomFieldsIn,
    CustomFieldsOut,
    Id,
    MoneyIn,
    MoneyOut,
    Page,
    RecordId,
    Shape,
    messages,
    one_message,
    text,
)
from .settings import Prefix

OWN_NUMBERING = ("the item's own automatic numbering, used instead of the purchasing settings' (even with "
                 "their switch off) when it has a prefix")


class ItemChange(Shape):
    """PATCH /items/{id}: any of the writable fields; a field left out keeps its value."""

    name: text(ITEM_NAME_MAX_LENGTH, required=True) = None
    sku: text(SKU_MAX_LENGTH) | None = None
    gtin: text(14) | None = Field(None, description=(
        "the GS1 trade item number: 8, 12, 13 or 14 digits with a valid check digit, unique; a scanned "
        "barcode's AI 01 finds the item by it"))
    description: text(TEXT_MAX_LENGTH) | None = None
    track_serials: Annotated[bool, one_message("Must be true or false.")] = None
    warranty_id: RecordId | None = None
    cost: MoneyIn = None
    auto_serial_prefix: Prefix | None = Field(None, description=f"{OWN_NUMBERING}; empty or null: none of its own")
    auto_serial_length: Annotated[int, Field(ge=1, le=AUTO_SERIAL_MAX_LENGTH), one_message(
        f"The serial number length must be between 1 and {AUTO_SERIAL_MAX_LENGTH} digits.")] | None = Field(
        None, description="digits of the item's number part, zero-padded; null: the purchasing settings' length")
    auto_serial_next_number: Annotated[int, Field(ge=0, le=MAX_ID), messages(
        "auto_serial_next_number must be a whole number.",
        greater_than_equal="The next serial number cannot be negative.",
        less_than_equal=f"The next serial number can be at most {MAX_ID:,}.")] | None = Field(
        None, description="the item's next sequential number, moved on by each posting; null: 1")
    custom_fields: CustomFieldsIn = None

    def given(self) -> dict:
        """The fields the client sent, with their values as read."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class ItemInput(ItemChange):
    """POST /items: a new item needs at least its name."""

    name: text(ITEM_NAME_MAX_LENGTH, required=True)


class Item(Answer):
    id: Id
    name: str
    sku: str | None
    gtin: str | None = None
    description: str | None
    track_serials: bool
    warranty_id: Id | None
    cost: MoneyOut
    quantity_on_hand: int = Field(description="units in stock, counted by postings only")
    value: MoneyOut = Field(description="the on-hand inventory value")
    auto_serial_prefix: str | None = Field(None, description=OWN_NUMBERING)
    auto_serial_length: int | None = None
    auto_serial_next_number: int | None = None
    custom_fields: CustomFieldsOut = {}


class ItemPage(Page[Item]):
    pass
