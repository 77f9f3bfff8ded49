"""Transactions: the document a client posts (read into the engine's PostingRequest) and the document answered."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sos_serial.engine.posting_request import (
    LineRequest,
    MalformedRequest,
    PostingRequest,
    kind_problems,
)
from sos_serial.engine.serial_ranges import SerialRange, serial_range
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.limits import MAX_QUANTITY, MEMO_MAX_LENGTH, SERIAL_MAX_LENGTH
from sos_serial.models.document_kind import KIND_CODES, PARTY_FIELDS, ROLES

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
    RecordId,
    Shape,
    Timestamp,
    field_errors,
    one_message,
    summary,
    text,
)

Role = Literal[ROLES]  # type: ignore[valid-type]


def _quantity(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("quantity", "The quantity must be a whole number.")
    if value == 0:
        raise PydanticCustomError("quantity", "The quantity cannot be zero.")
    if abs(value) > MAX_QUANTITY:
        raise PydanticCustomError("quantity", f"The quantity can be at most {MAX_QUANTITY:,}.")
    return value


Quantity = Annotated[int, PlainValidator(_quantity), WithJsonSchema({
    "type": "integer", "not": {"const": 0}, "minimum": -MAX_QUANTITY, "maximum": MAX_QUANTITY,
    "description": "negative only on adjustments"})]


def _csv_text(value):
    # Bytes come from the screens' file uploads and from Python callers; JSON can only carry text.
    if isinstance(value, (str, bytes)):
        return value
    raise PydanticCustomError("serials_csv", "serials_csv must be the text of a .csv file.")


def _memo(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise PydanticCustomError("memo", "memo must be text.")
    if len(value) > MEMO_MAX_LENGTH:
        raise PydanticCustomError("memo", f"The memo can be at most {MEMO_MAX_LENGTH:,} characters; "
                                          f"this one has {len(value):,}.")
    return value


Memo = Annotated[str | None, PlainValidator(_memo),
                 WithJsonSchema({"type": ["string", "null"], "maxLength": MEMO_MAX_LENGTH})]


RangeEnd = Annotated[str, Field(min_length=1, max_length=SERIAL_MAX_LENGTH),
                     one_message(f"Must be a serial number (text of 1 to {SERIAL_MAX_LENGTH} characters).")]


class SerialRangeInput(Shape):
    """A run of serials counted up in the number they end in: from ``first``, ``count`` of them or up to ``last``."""

    first: RangeEnd = Field(description="the range's first serial; it must end in a number")
    count: Annotated[int | None, Field(ge=1, le=MAX_QUANTITY),
                     one_message(f"count must be a whole number from 1 to {MAX_QUANTITY:,}.")] = Field(
        None, description="how many serials, the first included; give count or last, not both")
    last: RangeEnd | None = Field(None, description="the range's last serial: the same prefix, and the same "
                                                    "digits when the first has leading zeros")
    _range: SerialRange = PrivateAttr()

    @model_validator(mode="after")
    def _reads_as_a_range(self):
        try:
            self._range = serial_range(self.first, count=self.count, last=self.last)
        except InvalidInput as exc:
            raise PydanticCustomError("serial_range", exc.message) from None
        return self

    @property
    def range(self) -> SerialRange:
        return self._range


class TransactionLineInput(Shape):
    """One line: an item, how many, and the serials it receives or takes."""

    item_id: RecordId
    quantity: Quantity
    unit_cost: MoneyIn | None = None
    role: Annotated[Role | None, one_message("Build and process lines need a role: input or output.")] = Field(
        None, description="build and process lines only")
    serials: Annotated[list[str] | None, one_message("serials must be a list of serial numbers (text).")] = Field(
        None, description="typed, scanned or picked; each trimmed, at most 64 characters")
    serial_ranges: Annotated[list[SerialRangeInput] | None, Field(description=(
        "ranges of serials, each expanded into its serials after those of serials and counted with them "
        "against the quantity; a number with leading zeros keeps its width (SN-0001 ... SN-0500) and a range "
        "past it is refused, a number without them counts on as a number (SN-9, SN-10)"))] = None
    auto_serials: Annotated[bool, one_message("auto_serials must be true or false.")] = Field(
        False, description="inbound: number the units from the purchasing settings")
    serials_csv: Annotated[str | bytes | None, PlainValidator(lambda v: None if v is None else _csv_text(v)),
                           WithJsonSchema({"type": ["string", "null"],
                                           "description": "inbound: the text of an uploaded .csv file"})] = None

    def line_request(self, index: int) -> LineRequest:
        return LineRequest(index=index, item_id=self.item_id, quantity=self.quantity, unit_cost=self.unit_cost,
                           role=self.role, serials=self.serials, auto_serials=self.auto_serials,
                           serial_ranges=None if self.serial_ranges is None else [
                               given.range for given in self.serial_ranges],
                           serials_csv=self.serials_csv)


class TransactionInput(Shape):
    """A document to post at once: its kind, date, parties and lines."""

    type: Annotated[DocumentType, one_message(f"The type must be one of {', '.join(KIND_CODES)}.")]
    date: Annotated[DateIn, one_message("The date is required, as YYYY-MM-DD.")]
    vendor_id: RecordId | None = None
    customer_id: RecordId | None = None
    location_id: RecordId | None = None
    to_location_id: RecordId | None = None
    memo: Memo = None
    lines: list[TransactionLineInput] = Field(json_schema_extra={"minItems": 1})
    custom_fields: CustomFieldsIn = None

    @field_validator("lines")
    @classmethod
    def _at_least_one_line(cls, lines):
        if not lines:
            raise PydanticCustomError("lines", "A transaction needs at least one line.")
        return lines

    def posting_request(self) -> PostingRequest:
        return PostingRequest(type=self.type, date=self.date, memo=self.memo, custom_fields=self.custom_fields,
                              lines=[line.line_request(index) for index, line in enumerate(self.lines)],
                              **{name: getattr(self, name) for name in PARTY_FIELDS})


class TransactionLine(Answer):
    id: Id
    item_id: Id
    quantity: int
    unit_cost: MoneyOut | None
    cost: MoneyOut
    role: Role | None
    serials: list[str] = Field(description="every serial the line took or assigned")


VoidReason = text(MEMO_MAX_LENGTH, required=True)


class VoidInput(Shape):
    """Why a posted document is voided: kept with the document and in each unit's history."""

    reason: VoidReason = Field(
        description="why the document is voided (required; at most as long as a memo)")


class TransactionSummary(Answer):
    """A document without its lines, as lists show it."""

    id: Id
    type: DocumentType
    number: str
    date: dt.date
    vendor_id: Id | None
    customer_id: Id | None
    location_id: Id | None
    to_location_id: Id | None
    memo: str | None
    created_at: Timestamp
    custom_fields: CustomFieldsOut = {}
    status: Literal["posted", "voided"] = Field(
        description="posted, or voided: its units, stock and value went back to where it found them")
    voided_at: Timestamp | None = None
    voided_by: str | None = Field(None, description="the username of who voided it")
    void_reason: str | None = None


class Transaction(TransactionSummary):
    lines: list[TransactionLine]


class TransactionPage(Page[TransactionSummary]):
    pass


def transaction_answer(document, serials: dict[int, list[str]]) -> dict:
    """The posted document with each line's serials (read for the whole document at once by the caller)."""
    fields = {name: getattr(document, name) for name in TransactionSummary.model_fields}
    fields["lines"] = [{**{name: getattr(line, name) for name in TransactionLine.model_fields if name != "serials"},
                        "serials": serials.get(line.id, [])} for line in document.lines]
    return Transaction.model_validate(fields).model_dump(mode="json")


# ---------------------------------------------------------------------------------------- reading a document
# Where each field's problems are listed, so a clerk reads them in the order of the form.
_DOCUMENT_ORDER = {"type": 0, "date": 1, **{name: 2 for name in PARTY_FIELDS}, "lines": 3, "memo": 4,
                   "custom_fields": 5}
_LINE_ORDER = {name: rank for rank, name in enumerate(TransactionLineInput.model_fields)}


def _order(problem: FieldError):
    head, _, rest = problem.field.partition("[")
    if not rest:
        return (_DOCUMENT_ORDER.get(head, 5),)
    index, _, name = rest.partition("].")
    return (5, int(index), _LINE_ORDER.get(name.split("[")[0], len(_LINE_ORDER)))


def _refuse_malformed(data) -> None:
    """A body whose structure is not a document at all is a 400, before any field is judged."""
    if not isinstance(data, dict):
        raise MalformedRequest("The request body must be a JSON object describing the transaction.")
    if not isinstance(data.get("lines"), list):
        raise MalformedRequest("lines must be a list of transaction lines.",
                               [FieldError("lines", "lines must be a list.")])
    for index, line in enumerate(data["lines"]):
        if not isinstance(line, dict):
            where = f"lines[{index}]"
            raise MalformedRequest(f"{where} must be an object.", [FieldError(where, "must be an object")])


def read_document(data) -> PostingRequest:
    """A document in the API's shape, from any entry point, as the engine's PostingRequest.

    Refuses a body that is not a document (400) and invalid values (422), naming every field at fault at
    once, shape and kind alike, before anything is looked up.
    """
    _refuse_malformed(data)
    try:
        document, problems = TransactionInput.model_validate(data), []
    except ValidationError as exc:
        document, problems = None, field_errors(exc)
    refused = {problem.field for problem in problems}

    def accepted(values: dict, name: str, where: str):
        return values.get(name) if where not in refused else None

    parties = {name: accepted(data, name, name) for name in PARTY_FIELDS}
    lines = [(accepted(line, "quantity", f"lines[{index}].quantity"), line.get("role"))
             for index, line in enumerate(data["lines"])]
    problems += kind_problems(accepted(data, "type", "type"), parties, lines, refused)
    if problems:
        problems.sort(key=_order)
        raise InvalidInput(summary("The transaction could not be posted", problems), problems)
    return document.posting_request()


__all__ = ["SerialRangeInput", "Transaction", "TransactionInput", "TransactionLine", "TransactionLineInput",
           "TransactionPage", "TransactionSummary", "read_document", "transaction_answer"]
