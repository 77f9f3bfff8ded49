"""Serial units: a unit added directly, a correction of its warranty dates and notes, the unit and its history."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from sos_serial.limits import SERIAL_MAX_LENGTH, TEXT_MAX_LENGTH
from sos_serial.models.serial_unit import STATUSES

from .common import (
    Answer,
    CustomFieldsIn,
    CustomFieldsOut,
    DateIn,
    DocumentType,
    Id,
    MoneyIn,
    MoneyOut,
    Page,
    PageQuery,
    RecordId,
    Shape,
    Timestamp,
    query_number,
    text,
)

Status = Literal[STATUSES]  # type: ignore[valid-type]


class SerialUnitInput(Shape):
    """POST /serials: one unit in stock at a location, or a historical unit at a customer (exactly one of them)."""

    item_id: RecordId
    serial_number: str = Field(description=f"trimmed; 1 to {SERIAL_MAX_LENGTH} printable characters, or a "
                                           "scanned GS1 barcode: the serial of its AI 21, its lot and dates kept")
    location_id: RecordId | None = None
    customer_id: RecordId | None = None
    unit_cost: MoneyIn | None = None
    warranty_start: DateIn | None = None
    warranty_end: DateIn | None = None
    notes: text(TEXT_MAX_LENGTH) | None = None
    custom_fields: CustomFieldsIn = None


class SerialRenumber(Shape):
    """POST /serials/{id}/renumber: the unit's corrected serial number, and why it is corrected."""

    serial_number: str = Field(description=f"the corrected serial; trimmed; 1 to {SERIAL_MAX_LENGTH} printable "
                                           "characters, free for the item (compared by key)")
    reason: str = Field(description=f"why the serial is corrected, kept in the unit's history; at most "
                                    f"{TEXT_MAX_LENGTH:,} characters")
    version: RecordId = Field(None, description="the version read; a stale one is a 409")


class SerialUnitChange(Shape):
    """PATCH /serials/{id}: warranty dates and notes only; any field a posting changes is a 409."""

    warranty_start: DateIn | None = None
    warranty_end: DateIn | None = None
    notes: Annotated[str | None, Field(max_length=TEXT_MAX_LENGTH)] = None
    custom_fields: CustomFieldsIn = None
    version: RecordId = Field(None, description="the version read; a stale one is a 409")

    def changes(self) -> dict:
        return {name: getattr(self, name) for name in self.model_fields_set if name != "version"}


class SerialUnit(Answer):
    id: Id
    item_id: Id
    item_name: str
    serial_number: str
    status: Status
    location_id: Id | None
    customer_id: Id | None
    unit_cost: MoneyOut
    warranty_id: Id | None
    warranty_name: str | None
    warranty_start: dt.date | None
    warranty_end: dt.date | None
    notes: str | None
    version: int
    custom_fields: CustomFieldsOut = {}
    lot: str | None = Field(None, description="the lot (GS1 AI 10) of the barcode scanned when it was received")
    expiry_date: dt.date | None = Field(None, description="the expiry (GS1 AI 17) of its scanned barcode")
    production_date: dt.date | None = Field(None, description="the production date (GS1 AI 11) of its barcode")

    @classmethod
    def of(cls, unit) -> dict:
        fields: dict[str, Any] = {name: getattr(unit, name) for name in cls.model_fields
                                  if name not in ("item_name", "warranty_name")}
        fields["item_name"] = unit.item.name
        fields["warranty_name"] = unit.warranty.name if unit.warranty else None
        return cls.model_validate(fields).model_dump(mode="json")


class SerialUnitPage(Page[SerialUnit]):
    # Answered when the request gave ?after=: the id to pass as after= for the next page; null on the last page.
    next_after: int | None = None


class HistoryEntry(Answer):
    """One row of a unit's history: its state after a posting, a direct addition or an edit."""

    date: dt.date
    transaction_id: Id | None
    transaction_type: str = Field(description="a transaction type, or created, edit, renumber, or void (the unit "
                                              "put back where the voided document transaction_id found it)")
    status: Status
    location_id: Id | None
    customer_id: Id | None
    user_id: Id | None
    recorded_at: Timestamp
    changes: dict[str, list] | None = Field(None, description="edits and renumbers, and the cost or warranty a "
                                                               "posting replaced: {field: [old, new]}")
    void_reason: str | None = Field(None, description="voids only: why the document was voided")
    reason: str | None = Field(None, description="renumbers only: why the serial number was corrected")

    @classmethod
    def of(cls, row) -> dict:
        entry = super().of(row)
        for name in ("changes", "void_reason"):
            if entry[name] is None:
                del entry[name]
        # The history row keeps a correction's reason beside its changes; the answer gives it a field of its own.
        reason = (row.changes or {}).get("reason")
        if isinstance(reason, str):
            entry["reason"] = reason
        else:
            entry.pop("reason", None)
        return entry

    @field_validator("changes", mode="before")
    @classmethod
    def _changes_only(cls, value):
        return {k: v for k, v in value.items() if k != "reason"} if isinstance(value, dict) else value


def _no_filter_if_empty(value):
    return None if value == "" else value


class SerialQuery(PageQuery):
    """GET /serials: filters, all optional; ``q`` finds units whose serial contains it, or whose item name or SKU,
    customer or location name does (one or two characters: serials starting with it, names containing it);
    ``serial`` matches the start of serial numbers. A scanned GS1 barcode in ``q`` or ``serial`` stands for the
    serial of its AI 21.

    Besides these, ``custom_fields.NAME=value`` keeps the units whose custom field NAME holds the value
    (true/false for a flag, a number, YYYY-MM-DD, a choice or the exact text).
    """

    item_id: query_number() = None
    status: Annotated[Status | None, BeforeValidator(_no_filter_if_empty)] = None
    location_id: query_number() = None
    customer_id: query_number() = None
    q: str | None = None
    serial: str | None = None
    # Keyset paging: the units after this id, in id order, however deep (``page`` is then not read).
    after: query_number() = None


class AvailableSerialsQuery(PageQuery):
    """GET /items/{id}/available-serials: the units a document of ``type`` may pick, where it takes them from.

    Without a type, units in stock (at ``location_id`` when given); a return takes units shipped to
    ``customer_id``, a rental return units rented to it. ``q`` matches the start of serial numbers.
    """

    type: Annotated[DocumentType | None, BeforeValidator(_no_filter_if_empty)] = None
    location_id: query_number() = None
    customer_id: query_number() = None
    q: str | None = None
