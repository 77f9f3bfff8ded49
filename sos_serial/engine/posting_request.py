"""A transaction to post, as the API, the screens, the CLI and fixtures all describe it.

``PostingRequest.from_dict`` reads the API's JSON shape, refusing malformed input (400)
and invalid values (422) with the field each problem is in, before anything is looked up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sos_serial.errors import FieldError, InvalidInput, SerialInventoryError
from sos_serial.models.document_kind import (
    INPUT,
    KIND_CODES,
    OUTPUT,
    PARTY_FIELDS,
    ROLES,
    TO_LOCATION,
    DocumentKind,
    document_kind,
    is_document_kind,
    kinds_where,
)
from sos_serial.money import to_money


class MalformedRequest(SerialInventoryError):
    status = 400
    title = "Malformed request"


# What the database's integer columns hold on both engines (PostgreSQL INTEGER is 32-bit).
MAX_ID = 2**31 - 1
MAX_QUANTITY = 1_000_000_000


def _named(kinds, label) -> str:
    """ "Build and process" for the kinds a rule applies to, in their table order."""
    return " and ".join(label(kind).lower() for kind in kinds).capitalize()


# The kinds whose lines may be negative, and whose lines have roles, as the messages name them.
SIGNED_KINDS = _named(kinds_where(lambda k: k.signed_quantities), lambda k: k.menu_label).lower()  # "adjustments"
KINDS_WITH_ROLES = _named(kinds_where(lambda k: k.line_roles), lambda k: k.label)  # "Build and process"


@dataclass
class LineRequest:
    index: int
    item_id: int
    quantity: int
    unit_cost: Decimal | None = None
    role: str | None = None
    serials: list[str] | None = None
    auto_serials: bool = False
    serials_csv: str | bytes | None = None
    # Filled in while posting: the serials the line takes or assigns, as stored.
    resolved_serials: list[str] = field(default_factory=list)

    @property
    def field(self) -> str:
        return f"lines[{self.index}]"


@dataclass
class PostingRequest:
    type: str
    date: date
    lines: list[LineRequest]
    vendor_id: int | None = None
    customer_id: int | None = None
    location_id: int | None = None
    to_location_id: int | None = None
    memo: str | None = None

    # ---- what each line does -------------------------------------------------------
    @property
    def kind(self) -> DocumentKind:
        return document_kind(self.type)

    def receives_new_serials(self, line: LineRequest) -> bool:
        """Inbound units that get new serial numbers: receipts, positive adjustments, outputs."""
        return self.kind.receives_new_serials(line.quantity, line.role)

    def stock_effect(self, line: LineRequest) -> int:
        """+1 adds to on-hand stock, -1 takes from it, 0 moves within it or not at all."""
        return self.kind.line_stock_effect(line.quantity, line.role)

    # ---- reading the API's JSON ------------------------------------------------------
    @classmethod
    def from_dict(cls, data) -> "PostingRequest":
        if not isinstance(data, dict):
            raise MalformedRequest("The request body must be a JSON object describing the transaction.")
        problems: list[FieldError] = []
        doc_type = data.get("type")
        kind = document_kind(doc_type) if is_document_kind(doc_type) else None
        if kind is None:
            problems.append(FieldError("type", f"The type must be one of {', '.join(KIND_CODES)}."))
            doc_type = None
        doc_date = _parse_date(data.get("date"), "date", problems)
        parties = {}
        for name in PARTY_FIELDS:
            parties[name] = _parse_id(data.get(name), name, problems, required=False)
        for name in kind.required_parties if kind else ():
            if parties[name] is None and not any(p.field == name for p in problems):
                problems.append(FieldError(name, f"A {kind.label.lower()} needs {name.replace('_id', '')}."))
        if kind and TO_LOCATION in kind.required_parties and parties["location_id"] \
                and parties["location_id"] == parties[TO_LOCATION]:
            problems.append(FieldError(TO_LOCATION, f"A {kind.label.lower()} must go to a different location."))
        raw_lines = data.get("lines")
        if not isinstance(raw_lines, list):
            raise MalformedRequest("lines must be a list of transaction lines.",
                                   [FieldError("lines", "lines must be a list.")])
        if not raw_lines:
            problems.append(FieldError("lines", "A transaction needs at least one line."))
        memo = data.get("memo")
        if memo is not None and not isinstance(memo, str):
            problems.append(FieldError("memo", "memo must be text."))
        lines = [_parse_line(i, raw, kind, problems) for i, raw in enumerate(raw_lines)]
        if problems:
            raise InvalidInput(_summary(problems), problems)
        return cls(type=doc_type, date=doc_date, lines=lines, memo=memo, **parties)


def _summary(problems: list[FieldError]) -> str:
    shown = "; ".join(f"{p.field}: {p.message}" for p in problems[:10])
    more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
    return f"The transaction could not be posted: {shown}{more}"


def _parse_date(value, name, problems) -> date | None:
    if not isinstance(value, str):
        problems.append(FieldError(name, "The date is required, as YYYY-MM-DD."))
        return None
    try:
        # fromisoformat also takes "20260105"; the contract is YYYY-MM-DD only.
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldError(name, f"{value!r} is not a date of the form YYYY-MM-DD."))
        return None


def _parse_id(value, name, problems, required=True) -> int | None:
    if value is None:
        if required:
            problems.append(FieldError(name, f"{name} is required."))
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        problems.append(FieldError(name, f"{name} must be a record id (a positive whole number)."))
        return None
    return value


def _parse_line(index, raw, kind: DocumentKind | None, problems) -> LineRequest:
    where = f"lines[{index}]"
    if not isinstance(raw, dict):
        raise MalformedRequest(f"{where} must be an object.", [FieldError(where, "must be an object")])
    item_id = _parse_id(raw.get("item_id"), f"{where}.item_id", problems)
    quantity = raw.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        problems.append(FieldError(f"{where}.quantity", "The quantity must be a whole number."))
        quantity = 0
    elif quantity == 0:
        problems.append(FieldError(f"{where}.quantity", "The quantity cannot be zero."))
    elif abs(quantity) > MAX_QUANTITY:
        problems.append(FieldError(f"{where}.quantity", f"The quantity can be at most {MAX_QUANTITY:,}."))
        quantity = 0
    elif quantity < 0 and not (kind is not None and kind.signed_quantities):
        problems.append(FieldError(f"{where}.quantity",
                                   f"Only {SIGNED_KINDS} take negative quantities; use a positive quantity."))
    unit_cost = None
    if raw.get("unit_cost") is not None:
        try:
            unit_cost = to_money(raw["unit_cost"], f"{where}.unit_cost")
            if unit_cost < 0:
                problems.append(FieldError(f"{where}.unit_cost", "A unit cost cannot be negative."))
        except InvalidInput as exc:
            problems.append(FieldError(f"{where}.unit_cost", exc.message))
    role = raw.get("role")
    if kind is not None and kind.line_roles:
        if role not in ROLES:
            problems.append(FieldError(f"{where}.role", f"{KINDS_WITH_ROLES} lines need a role: input or output."))
    elif role is not None:
        problems.append(FieldError(f"{where}.role", f"Only {KINDS_WITH_ROLES.lower()} lines have a role."))
        role = None
    serials = raw.get("serials")
    if serials is not None and (not isinstance(serials, list) or not all(isinstance(s, str) for s in serials)):
        problems.append(FieldError(f"{where}.serials", "serials must be a list of serial numbers (text)."))
        serials = None
    auto = raw.get("auto_serials", False)
    if not isinstance(auto, bool):
        problems.append(FieldError(f"{where}.auto_serials", "auto_serials must be true or false."))
        auto = False
    csv_text = raw.get("serials_csv")
    if csv_text is not None and not isinstance(csv_text, (str, bytes)):
        problems.append(FieldError(f"{where}.serials_csv", "serials_csv must be the text of a .csv file."))
        csv_text = None
    return LineRequest(index=index, item_id=item_id, quantity=quantity, unit_cost=unit_cost, role=role,
                       serials=serials, auto_serials=auto, serials_csv=csv_text)


__all__ = ["LineRequest", "MalformedRequest", "PostingRequest", "INPUT", "OUTPUT"]
