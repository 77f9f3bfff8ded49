"""A transaction to post, as the API, the screens, the CLI and fixtures all describe it.

The API's shapes (sos_serial/api/schemas) read the JSON into a ``PostingRequest``; the rules of each
kind of document that need no lookup (its parties, roles, signs of quantities) are checked here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sos_serial.engine.serial_ranges import SerialRange
from sos_serial.errors import FieldError, SerialInventoryError
from sos_serial.models.document_kind import (
    INPUT,
    OUTPUT,
    ROLES,
    TO_LOCATION,
    DocumentKind,
    document_kind,
    is_document_kind,
    kinds_where,
)


class MalformedRequest(SerialInventoryError):
    status = 400
    title = "Malformed request"


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
    # Ranges as read (engine/serial_ranges.py); the posting moves their serials into ``serials`` once it has
    # checked their count against the document's limit, so every rule on serials applies to them.
    serial_ranges: list[SerialRange] | None = None
    auto_serials: bool = False
    serials_csv: str | bytes | None = None
    # Filled in while posting: the serials the line takes or assigns, as stored.
    resolved_serials: list[str] = field(default_factory=list)
    # What scanned GS1 barcodes carried besides the serial ({lot, expiry_date, production_date} or None),
    # in the order of resolved_serials; None when no serial of the line carried any.
    unit_data: list[dict | None] | None = None

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
    # The document's own custom fields as sent; the posting checks them against the app's declarations.
    custom_fields: dict | None = None

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


def kind_problems(doc_type: str | None, parties: dict, lines: list[tuple[int | None, str | None]],
                  refused: set[str]) -> list[FieldError]:
    """What the document's kind forbids or needs: its parties, line roles and negative quantities.

    ``doc_type``, ``parties`` (by field name) and each line's (quantity, role) are the values whose shape
    was accepted, None where missing; a field already named in ``refused`` is not refused twice.
    """
    kind = document_kind(doc_type) if is_document_kind(doc_type) else None
    problems: list[FieldError] = []
    for name in kind.required_parties if kind else ():
        if parties.get(name) is None and name not in refused:
            problems.append(FieldError(name, f"A {kind.label.lower()} needs {name.replace('_id', '')}."))
    if kind and TO_LOCATION in kind.required_parties and parties.get("location_id") \
            and parties["location_id"] == parties.get(TO_LOCATION):
        problems.append(FieldError(TO_LOCATION, f"A {kind.label.lower()} must go to a different location."))
    for index, (quantity, role) in enumerate(lines):
        where = f"lines[{index}]"
        if quantity is not None and quantity < 0 and not (kind is not None and kind.signed_quantities):
            problems.append(FieldError(f"{where}.quantity",
                                       f"Only {SIGNED_KINDS} take negative quantities; use a positive quantity."))
        if f"{where}.role" in refused:
            continue
        if kind is not None and kind.line_roles:
            if role not in ROLES:
                problems.append(FieldError(f"{where}.role", f"{KINDS_WITH_ROLES} lines need a role: input or output."))
        elif role is not None:
            problems.append(FieldError(f"{where}.role", f"Only {KINDS_WITH_ROLES.lower()} lines have a role."))
    return problems


__all__ = ["LineRequest", "MalformedRequest", "PostingRequest", "kind_problems", "INPUT", "OUTPUT"]
