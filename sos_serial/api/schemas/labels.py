"""Label runs as the API asks for them: the format, and which units (a list of ids)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from sos_serial.engine.labels import LABEL_FORMATS
from sos_serial.limits import MAX_ID

from .common import Shape, one_message

LabelFormat = Annotated[Literal[tuple(LABEL_FORMATS)], one_message(  # type: ignore[valid-type]
    "The label format must be pdf or zpl.")]


class LabelQuery(Shape):
    """``?format=pdf`` (the default) or ``?format=zpl``."""

    model_config = ConfigDict(strict=False, extra="ignore")

    format: LabelFormat = Field("pdf", description="pdf: a sheet or roll as the settings' label layout says; "
                                                   "zpl: one ZPL format per label, for a thermal printer")


class SerialLabelsQuery(LabelQuery):
    """``?ids=1,2,3&format=pdf``: a label for each unit, in the order given."""

    ids: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9})*$"), one_message(
        "Give the units' ids as whole numbers separated by commas, such as ids=12,13,14.")] = Field(
        description="the units' ids, separated by commas; for a receipt's units use /transactions/{id}/labels")

    @field_validator("ids")
    @classmethod
    def _ids_in_range(cls, value: str) -> str:
        if any(int(part) > MAX_ID for part in value.split(",")):
            raise PydanticCustomError("ids", f"A unit id is at most {MAX_ID:,}.")
        return value

    def unit_ids(self) -> list[int]:
        return [int(part) for part in self.ids.split(",")]
