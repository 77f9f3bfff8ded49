"""Stock counts: starting one, a batch of scans, the live figures and lists, and the close."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sos_serial.engine.stock_counts import LISTS, SCAN_ANSWERS
from sos_serial.models.serial_unit import STATUSES
from sos_serial.models.stock_count import COUNT_STATUSES
from sos_serial.models.stock_count_document import PURPOSES

from .common import Answer, DateIn, Id, Page, PageQuery, RecordId, Shape, Timestamp, one_message

# Scans one request may carry: a CSV file of a shelf, or what a scanner buffered.
SCANS_PER_BATCH = 5_000
ScanAnswer = Literal[SCAN_ANSWERS]  # type: ignore[valid-type]
UnitStatus = Literal[STATUSES]  # type: ignore[valid-type]


class StockCountInput(Shape):
    """POST /stock-counts: the location to count."""

    location_id: RecordId


class CountChange(Shape):
    """PATCH /stock-counts/{id}: cancel an open count; its scans stay for reference and nothing is posted."""

    status: Literal["cancelled"]


class ScanBatch(Shape):
    """POST /stock-counts/{id}/scans: serials as scanned or typed, in scan order."""

    serials: Annotated[list[Annotated[str, Field(max_length=1000)]], Field(min_length=1, max_length=SCANS_PER_BATCH),
                       one_message(f"Send 1 to {SCANS_PER_BATCH} serials, each as text.")]


class CloseInput(Shape):
    """POST /stock-counts/{id}/close: the confirmation, and what to do with unknown serials."""

    confirm: Annotated[bool, Field(description="must be true: closing posts documents")]
    date: DateIn | None = Field(None, description="the documents' date; today (UTC) when left out")
    unknown_item_id: RecordId | None = Field(
        None, description="the serial-tracked item unknown serials are received as (an adjustment in); left out, "
                          "they stay listed on the count and nothing is posted for them")
    scans_seen: Annotated[int, Field(ge=0)] | None = Field(
        None, description="how many scans the clerk saw when confirming; a count that took more since is a 409")


class Totals(Answer):
    """The count's figures, read from the units as they stand now."""

    expected: int = Field(ge=0, description="units in stock at the location now")
    counted: int = Field(ge=0, description="of those, scanned")
    missing: int = Field(ge=0, description="in stock here, not scanned")
    found_elsewhere: int = Field(ge=0, description="scanned units the system places somewhere else")
    unknown: int = Field(ge=0, description="scanned serials no unit has")
    scanned: int = Field(ge=0)


class CountDocument(Answer):
    """A document the close posted: ``missing`` (adjustment out), ``transfer`` (in from one location),
    ``found`` (adjustment in)."""

    transaction_id: Id
    purpose: Literal[PURPOSES]  # type: ignore[valid-type]


class StockCount(Answer):
    """A count and where it stands."""

    id: Id
    number: str
    location_id: Id
    status: Literal[COUNT_STATUSES]  # type: ignore[valid-type]
    expected_at_start: int = Field(ge=0)
    started_by_id: Id | None
    started_at: Timestamp
    closed_by_id: Id | None
    closed_at: Timestamp | None
    totals: Totals
    documents: list[CountDocument]


class StockCountSummary(Answer):
    id: Id
    number: str
    location_id: Id
    status: Literal[COUNT_STATUSES]  # type: ignore[valid-type]
    started_at: Timestamp
    closed_at: Timestamp | None


class StockCountPage(Page[StockCountSummary]):
    pass


class ScanResult(Answer):
    """What one scan turned out to be; for a known unit, where the system places it."""

    serial_number: str
    result: ScanAnswer
    message: str
    unit_id: Id | None
    item_id: Id | None
    item_name: str | None
    status: UnitStatus | None
    location_id: Id | None
    customer_id: Id | None
    place: str | None


class ScanAnswerBody(Answer):
    """The batch's scans, in the order sent, and the count's totals after them, as the scans found the units
    (``expected`` is the figure at the start; ``GET /stock-counts/{id}`` reads every figure anew)."""

    scans: list[ScanResult]
    totals: Totals


class ListedSerial(Answer):
    serial_number: str
    unit_id: Id | None
    item_id: Id | None
    item_name: str | None
    status: UnitStatus | None
    location_id: Id | None
    customer_id: Id | None
    place: str = Field(description="where the system places the unit now, in words, or \"unknown serial\"")
    scanned_at: Timestamp | None


class ListedSerialPage(Page[ListedSerial]):
    pass


class CountListQuery(PageQuery):
    """GET /stock-counts/{id}/serials: which list, and the page."""

    show: Literal[LISTS] = Field(  # type: ignore[valid-type]
        "missing", description="counted: scanned and in stock here; missing: in stock here, not scanned; found: "
                               "scanned, but the system places them elsewhere or knows no such serial")


class CloseAnswer(Answer):
    """The closed count, and the serials it listed without posting them."""

    count: StockCount
    left_unposted: list[str]
