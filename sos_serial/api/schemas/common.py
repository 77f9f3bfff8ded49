"""What every shape is built from: ids, text, money, dates and pages, and pydantic's refusals in the clerk's words."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from sos_serial.dates import iso_date
from sos_serial.engine.addresses import tidy_address
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.limits import DEFAULT_PER_PAGE, MAX_ID, MAX_PER_PAGE
from sos_serial.models.document_kind import KIND_CODES
from sos_serial.money import format_money, to_money

# A kind of document, as the kind table names them.
DocumentType = Literal[KIND_CODES]  # type: ignore[valid-type]


class Shape(BaseModel):
    """A body a client sends: exact JSON types (no "1" for 1, no 1 for true) and no field it does not name."""

    model_config = ConfigDict(strict=True, extra="forbid")


def _in_utc(value: datetime) -> datetime:
    # The database keeps times in UTC; SQLite hands them back without their offset, and a time without one
    # is no RFC 3339 date-time (what the document promises): say it is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# A moment in an answer: always with its offset (UTC from SQLite, the server's zone from PostgreSQL).
Timestamp = Annotated[datetime, AfterValidator(_in_utc)]


class Answer(BaseModel):
    """A response body, read from a record's attributes; its fields are exactly the keys it answers with."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    @classmethod
    def of(cls, record) -> dict:
        return cls.model_validate(record).model_dump(mode="json")


def one_message(message: str) -> WrapValidator:
    """Whatever is wrong with the value (its type, its range), the clerk reads ``message``."""

    def validate(value, handler):
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError("invalid", message) from None

    return WrapValidator(validate)


def messages(default: str, **by_type: str) -> WrapValidator:
    """The clerk reads the message for pydantic's error type (``greater_than_equal=...``), else ``default``."""

    def validate(value, handler):
        try:
            return handler(value)
        except ValidationError as exc:
            raise PydanticCustomError("invalid", by_type.get(exc.errors()[0]["type"], default)) from None

    return WrapValidator(validate)


# ---------------------------------------------------------------------------------------- ids and numbers
RecordId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID),
                     one_message("Must be a record id (a positive whole number).")]
# An id as the database answers it: no range to check on the way out.
Id = Annotated[int, Field(ge=1)]


def _whole_number_text(value):
    """A query string's number: digits with an optional sign, as int() reads them, and nothing else."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise PydanticCustomError("whole_number", "Must be a whole number.") from None
    return value


def query_number(minimum: int = 1, maximum: int | None = MAX_ID):
    """A whole number given in the query string, within range; empty is as if not given."""
    limits = {"ge": minimum} if maximum is None else {"ge": minimum, "le": maximum}
    return Annotated[Annotated[int, Field(**limits)] | None, BeforeValidator(_whole_number_text)]


class PageQuery(Shape):
    """``?page=1&per_page=50``: a larger per_page is clamped to the maximum, not refused."""

    model_config = ConfigDict(strict=False, extra="ignore")

    page: query_number() = 1
    per_page: query_number(maximum=None) = Field(DEFAULT_PER_PAGE, json_schema_extra={"maximum": MAX_PER_PAGE})

    def window(self) -> tuple[int, int]:
        """(page, per_page), the defaults filled in and per_page clamped."""
        return self.page or 1, min(self.per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE)


# ---------------------------------------------------------------------------------------- text
def _none_if_empty(value: str | None) -> str | None:
    return value or None


def text(max_length: int, *, required: bool = False):
    """Text trimmed of surrounding spaces, at most ``max_length`` characters; empty is none unless required."""
    if required:
        return Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]
    return Annotated[str, Strict(), StringConstraints(strip_whitespace=True, max_length=max_length),
                     AfterValidator(_none_if_empty)]


def address(max_length: int):
    """A postal address: multi-line text, each line trimmed, at most ``max_length`` characters; empty is none."""
    return Annotated[str, Strict(), AfterValidator(tidy_address),
                     AfterValidator(_at_most(max_length, "An address")),
                     WithJsonSchema({"type": ["string", "null"], "maxLength": max_length,
                                     "description": "multi-line text, lines separated by \\n"})]


def _at_most(max_length: int, what: str):
    def check(value):
        if value is not None and len(value) > max_length:
            raise PydanticCustomError("too_long", f"{what} can be at most {max_length:,} characters.")
        return value

    return check


# ---------------------------------------------------------------------------------------- money and dates
def _money_in(value) -> Decimal:
    try:
        amount = to_money(value, "The value")
    except InvalidInput as exc:
        raise PydanticCustomError("money", exc.message) from None
    if amount < 0:
        raise PydanticCustomError("money", "Cannot be negative.")
    return amount


MoneyIn = Annotated[Decimal, WrapValidator(lambda value, handler: _money_in(value)),
                    WithJsonSchema({"oneOf": [{"type": "number"}, {"type": "string"}], "examples": ["149.99"],
                                    "description": "a JSON number or a decimal string, not negative"})]
MoneyOut = Annotated[Decimal, PlainSerializer(format_money, return_type=str),
                     WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2,4}$", "examples": ["149.99"]})]


def _date_in(value) -> date:
    # date.fromisoformat also takes "20260105" and the week date "2026-W01-1"; the contract is YYYY-MM-DD only.
    parsed = iso_date(value)
    if parsed is None:
        raise PydanticCustomError("date", "Must be a date of the form YYYY-MM-DD.")
    return parsed


DateIn = Annotated[date, WrapValidator(lambda value, handler: _date_in(value)),
                   WithJsonSchema({"type": "string", "format": "date"})]


# ---------------------------------------------------------------------------------------- custom fields
# The plugins' custom fields of a record, under one key. The values are checked by the engine against the
# app's declarations (engine/custom_fields.py); the OpenAPI document lists each app's fields by name.
CUSTOM_FIELDS_IN = ("custom fields declared by plugins, by name; a field left out keeps its value and null "
                    "clears it; an unknown name is a 422")
CUSTOM_FIELDS_OUT = "custom fields declared by plugins, by name; a field without a value is left out"
CustomFieldsIn = Annotated[dict[str, Any] | None, Field(description=CUSTOM_FIELDS_IN)]
CustomFieldsOut = Annotated[dict[str, Any], Field(description=CUSTOM_FIELDS_OUT)]


# ---------------------------------------------------------------------------------------- pages and problems
Record = TypeVar("Record")


class Page(BaseModel, Generic[Record]):
    """One page of a list."""

    items: list[Record]
    total: int
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)


def page_of(answer: type[Answer], records, total: int, page: int, per_page: int) -> dict:
    return {"items": [answer.of(record) for record in records], "total": total, "page": page, "per_page": per_page}


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """A refusal, as application/problem+json: what went wrong, and each field at fault."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem]
    # The id of the request (also its X-Request-Id header), to quote when reporting the problem.
    request_id: str


# ---------------------------------------------------------------------------------------- refusals
MESSAGES = {
    "missing": "Required.",
    "extra_forbidden": "Unknown field.",
    "string_type": "Must be text.",
    "string_too_short": "Cannot be empty.",
    "string_too_long": "Can be at most {max_length} characters.",
    "bool_type": "Must be true or false.",
    "int_type": "Must be a whole number.",
    "int_parsing": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "greater_than_equal": "Must be at least {ge}.",
    "greater_than": "Must be more than {gt}.",
    "less_than_equal": "Can be at most {le}.",
    "literal_error": "Must be one of {expected}.",
    "list_type": "Must be a list.",
    "model_type": "Must be an object.",
    "model_attributes_type": "Must be an object.",
    "dict_type": "Must be an object.",
}


def field_path(loc) -> str:
    """("lines", 0, "serials") reads lines[0].serials, as the problem's errors name fields."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def message_of(error: dict) -> str:
    template = MESSAGES.get(error["type"])
    if template is None:
        return error["msg"]
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        context["expected"] = context["expected"].replace("'", "")
    return template.format(**context)


def field_errors(exc: ValidationError) -> list[FieldError]:
    """Pydantic's errors as the API names them, one per field, in the order the fields are declared."""
    problems: list[FieldError] = []
    seen = set()
    for error in exc.errors(include_url=False):
        field = field_path(error["loc"])
        if field not in seen:
            seen.add(field)
            problems.append(FieldError(field, message_of(error)))
    return problems


def summary(opening: str, problems: list[FieldError]) -> str:
    shown = "; ".join(f"{p.field}: {p.message}" for p in problems[:10])
    more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
    return f"{opening}: {shown}{more}"


def read(shape: type[Shape], data: Any, what: str) -> Shape:
    """``data`` as ``shape``, or a 422 naming every field at fault; ``what`` names the body in the message."""
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        problems = field_errors(exc)
        raise InvalidInput(summary(f"{what} could not be accepted", problems), problems) from None


def refuse_nul_characters(value, where: str = "") -> None:
    """No text may hold a NUL character: PostgreSQL cannot store one, and no name or serial needs it."""
    if isinstance(value, str) and "\x00" in value:
        field = where or "body"
        raise InvalidInput(f"{field} holds a NUL character (\\u0000), which text cannot contain.",
                           [FieldError(field, "Holds a NUL character.")])
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_nul_characters(key, where or "body")
            refuse_nul_characters(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul_characters(item, f"{where}[{index}]")
