"""Items: the fields a client may write, and the item answered with its figures on hand."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sos_serial.limits import ITEM_NAME_MAX_LENGTH, SKU_MAX_LENGTH, TEXT_MAX_LENGTH

from .common import Answer, Id, MoneyIn, MoneyOut, Page, RecordId, Shape, one_message, text


class ItemChange(Shape):
    """PATCH /items/{id}: any of the writable fields; a field left out keeps its value."""

    name: text(ITEM_NAME_MAX_LENGTH, required=True) = None
    sku: text(SKU_MAX_LENGTH) | None = None
    description: text(TEXT_MAX_LENGTH) | None = None
    track_serials: Annotated[bool, one_message("Must be true or false.")] = None
    warranty_id: RecordId | None = None
    cost: MoneyIn = None

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
    description: str | None
    track_serials: bool
    warranty_id: Id | None
    cost: MoneyOut
    quantity_on_hand: int = Field(description="units in stock, counted by postings only")
    value: MoneyOut = Field(description="the on-hand inventory value")


class ItemPage(Page[Item]):
    pass
