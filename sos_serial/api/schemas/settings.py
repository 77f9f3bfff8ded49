"""The company settings as the API nests them: read whole, changed by any subset of groups and fields."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import object_session

from sos_serial.engine.plan_gating import check_plan_change
from sos_serial.limits import (
    ADDRESS_MAX_LENGTH,
    AUTO_SERIAL_MAX_LENGTH,
    AUTO_SERIAL_PREFIX_MAX_LENGTH,
    MAX_ID,
    NAME_MAX_LENGTH,
)
from sos_serial.models.settings import (
    AUTO_SERIAL_MODES,
    COMPANY_FIELDS,
    LABEL_LAYOUTS,
    PLANS,
    SETTINGS_GROUPS,
    VALUATION_METHODS,
    settings_as_dict,
)

from .common import Shape, address, messages, one_message, read, text

Flag = Annotated[bool, one_message("Must be true or false.")]


def _prefix(value) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("prefix", "auto_serial_prefix must be text.")
    if any(not ch.isprintable() for ch in value):
        raise PydanticCustomError("prefix", "The serial number prefix must be printable text (no tabs or line breaks).")
    if len(value.strip()) > AUTO_SERIAL_PREFIX_MAX_LENGTH:
        raise PydanticCustomError("prefix", "The serial number prefix can be at most "
                                            f"{AUTO_SERIAL_PREFIX_MAX_LENGTH} characters.")
    return value.strip()


Prefix = Annotated[str, PlainValidator(_prefix),
                   WithJsonSchema({"type": "string", "maxLength": AUTO_SERIAL_PREFIX_MAX_LENGTH,
                                   "description": "printable text, trimmed"})]


class InventorySettings(Shape):
    value_serials_by_specific_id: Flag = None
    valuation_method: Literal[VALUATION_METHODS] = None  # type: ignore[valid-type]


class PurchasingSettings(Shape):
    auto_serial_enabled: Flag = None
    auto_serial_prefix: Prefix = None
    auto_serial_length: Annotated[int, Field(ge=1, le=AUTO_SERIAL_MAX_LENGTH), one_message(
        f"The serial number length must be between 1 and {AUTO_SERIAL_MAX_LENGTH} digits.")] = Field(
        None, description="digits of the number part, zero-padded; the prefix comes in front")
    auto_serial_mode: Literal[AUTO_SERIAL_MODES] = None  # type: ignore[valid-type]
    auto_serial_next_number: Annotated[int, Field(ge=0, le=MAX_ID), messages(
        "auto_serial_next_number must be a whole number.",
        greater_than_equal="The next serial number cannot be negative.",
        less_than_equal=f"The next serial number can be at most {MAX_ID:,}.")] = None


class SalesSettings(Shape):
    show_warranty_on_serial_units: Flag = None


class LabelSettings(Shape):
    label_layout: Literal[LABEL_LAYOUTS] = Field(  # type: ignore[valid-type]
        None, description="a4_3x7 and letter_3x10: sheets of 21 and 30 labels; roll_62x29mm and "
                          "roll_2.25x1.25in: one label a page, for a label printer's roll")
    label_show_warranty_end: Flag = Field(None, description="labels show the unit's warranty end, when it has one")


CompanyName = text(NAME_MAX_LENGTH)
CompanyAddress = address(ADDRESS_MAX_LENGTH)


class CompanySettings(Shape):
    """The company profile printed at the head of packing lists; null or empty clears a field. (The logo is
    uploaded on the settings screen.)"""

    name: CompanyName | None = None
    address: CompanyAddress | None = None


class Settings(Shape):
    """GET answers every field; PATCH takes any subset, nested the same way, all or nothing."""

    plan: Literal[PLANS] = None  # type: ignore[valid-type]
    inventory: InventorySettings = None
    purchasing: PurchasingSettings = None
    sales: SalesSettings = None
    labels: LabelSettings = None
    company: CompanySettings = None

    def changes(self) -> dict:
        """The settings the client sent, by column name."""
        values = {name: getattr(self, name) for name in self.model_fields_set
                  if name not in SETTINGS_GROUPS and name != "company"}
        for group in SETTINGS_GROUPS:
            if group in self.model_fields_set:
                given = getattr(self, group)
                values.update({name: getattr(given, name) for name in given.model_fields_set})
        if "company" in self.model_fields_set:
            values.update({COMPANY_FIELDS[name]: getattr(self.company, name) for name in self.company.model_fields_set})
        return values


def apply_settings(settings, data) -> None:
    """Apply a nested subset such as {"purchasing": {"auto_serial_length": 8}}; all or nothing."""
    changes = read(Settings, data, "Some settings").changes()
    if "plan" in changes:
        # Settings' one write path, the screen's and the API's: a plan without serial tracking is refused
        # while items are tracked (engine/plan_gating.py), before anything is set.
        check_plan_change(object_session(settings), settings.plan, changes["plan"])
    for name, value in changes.items():
        setattr(settings, name, value)


def settings_answer(settings) -> dict:
    return Settings.model_validate(settings_as_dict(settings)).model_dump(mode="json")
