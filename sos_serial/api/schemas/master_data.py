"""Locations, customers, vendors and warranty definitions: what a client sends and what it reads back."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from sos_serial.limits import ADDRESS_MAX_LENGTH, NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from sos_serial.models.warranty import MAX_DURATION, WARRANTY_UNITS, duration_problem

from .common import Answer, CustomFieldsIn, CustomFieldsOut, Id, Page, Shape, address, one_message, text

WarrantyUnit = Literal[WARRANTY_UNITS]  # type: ignore[valid-type]


class NamedInput(Shape):
    """POST /locations, /customers, /vendors."""

    name: text(NAME_MAX_LENGTH, required=True)
    notes: text(TEXT_MAX_LENGTH) | None = None
    custom_fields: CustomFieldsIn = None


class NamedChange(Shape):
    """PATCH /locations/{id}, /customers/{id}, /vendors/{id}: a field left out keeps its value."""

    name: text(NAME_MAX_LENGTH, required=True) = None
    notes: text(TEXT_MAX_LENGTH) | None = None
    custom_fields: CustomFieldsIn = None

    def given(self) -> dict:
        """The fields the client sent, with their values as read."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class Named(Answer):
    id: Id
    name: str
    custom_fields: CustomFieldsOut = {}


class NamedPage(Page[Named]):
    pass


Address = address(ADDRESS_MAX_LENGTH)


class PartyInput(NamedInput):
    """POST /customers, /vendors: a named record with its billing and shipping addresses."""

    billing_address: Address | None = None
    shipping_address: Address | None = None


class PartyChange(NamedChange):
    """PATCH /customers/{id}, /vendors/{id}: the name, notes, addresses; null clears an address."""

    billing_address: Address | None = None
    shipping_address: Address | None = None


class Party(Named):
    billing_address: str | None = None
    shipping_address: str | None = None


class PartyPage(Page[Party]):
    pass


class WarrantyInput(Shape):
    """POST /warranties: a duration in days, months or years, at most a hundred years."""

    name: text(NAME_MAX_LENGTH, required=True)
    unit: Annotated[WarrantyUnit, one_message(f"The unit must be one of {', '.join(WARRANTY_UNITS)}.")]
    duration: int = Field(ge=1, le=max(MAX_DURATION.values()))
    terms: text(TEXT_MAX_LENGTH) | None = None

    @field_validator("duration", mode="wrap")
    @classmethod
    def _duration(cls, value, handler, info: ValidationInfo):
        # The longest duration depends on the unit, read first: the rule is the warranty model's own.
        message = duration_problem(value, info.data.get("unit"))
        if message:
            raise PydanticCustomError("duration", message)
        return handler(value)


class Warranty(Answer):
    id: Id
    name: str
    duration: int = Field(ge=1)
    unit: WarrantyUnit
    terms: str | None


class WarrantyPage(Page[Warranty]):
    pass
