"""Label runs as the API asks for them: the format, and which units (a list of ids, or a search's filters)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from sos_serial.engine.labels import LABEL_FORMATS
from sos_serial.limits import MAX_ID

from .common import Shape, one_message, query_number
from .serials import Status, _no_filter_if_empty

LabelFormat = Annotated[Literal[tuple(LABEL_FORMATS)], one_message(  # type: ignore[valid-type]
    "The label format must be pdf or zpl.")]


class LabelQuery(Shape):
    """``?format=pdf`` (the default) or ``?format=zpl``."""

    model_config = ConfigDict(strict=False, extra="ignore")

    format: LabelFormat = Field("pdf", description="pdf: a sheet or roll as the settings' label layout says; "
                                                   "zpl: one ZPL format per label, for a thermal printer")


class SerialLabelsQuery(LabelQuery):
    """``?ids=1,2,3&format=pdf``: a label for each unit, in the order given; without ids, a label for each unit
    GET /serials would find with the same filters, in serial order."""

    ids: Annotated[str | None, Field(pattern=r"^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$"), one_message(
        "Give the units' ids as whole numbers separated by commas, such as ids=12,13,14.")] = Field(
        None, description="the units' ids, separated by commas; the filters below are then not read")
    item_id: query_number() = None
    status: Annotated[Status | None, BeforeValidator(_no_filter_if_empty)] = None
    location_id: query_number() = None
    customer_id: query_number() = None
    q: str | None = Field(None, description="serial numbers starting with this")

    @field_validator("ids")
    @classmethod
    def _ids_in_range(cls, value: str | None) -> str | None:
        if value and any(int(part) > MAX_ID for part in value.split(",")):
            raise PydanticCustomError("ids", f"A unit id is at most {MAX_ID:,}.")
        return value

    def unit_ids(self) -> list[int] | None:
        return [int(part) for part in self.ids.split(",")] if self.ids else None
