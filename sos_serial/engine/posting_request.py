"""A transaction to post, as the API, the screens, the CLI and fixtures all describe it.

The API's shapes (sos_serial/api/schemas) read the JSON into a ``PostingRequest``; the rules of each
kind of document that need no lookup (its parties, roles, signs of quantities) are checked here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sos_serial.errors import FieldError, SerialInventoryError
from sos_serial.models.transaction import (
    ADJUSTMENT,
    BUILD,
    ITEM_RECEIPT,
    PICK_TICKET,
    PROCESS,
    RENTAL,
    RENTAL_RETURN,
    RETURN,
    SHIPMENT,
    TRANSFER,
)
from sos_serial.models.transaction_line import INPUT, OUTPUT, ROLES


class MalformedRequest(SerialInventoryError):
    status = 400
    title = "Malformed request"


# Which parties each kind of document needs: where stock comes from and where it goes.
REQUIRED_PARTIES = {
    ITEM_RECEIPT: ("location_id",),
    SHIPMENT: ("location_id", "customer_id"),
    TRANSFER: ("location_id", "to_location_id"),
    ADJUSTMENT: ("location_id",),
    RETURN: ("location_id", "customer_id"),
    PICK_TICKET: ("location_id",),
    RENTAL: ("location_id", "customer_id"),
    RENTAL_RETURN: ("location_id", "customer_id"),
    BUILD: ("location_id",),
    PROCESS: ("location_id",),
}
PARTY_FIELDS = ("vendor_id", "customer_id", "location_id", "to_location_id")


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
    def receives_new_serials(self, line: LineRequest) -> bool:
        """Inbound units that get new serial numbers: receipts, positive adjustments, outputs."""
        if self.type == ITEM_RECEIPT:
            return True
        if self.type == ADJUSTMENT:
            return line.quantity > 0
        if self.type in (BUILD, PROCESS):
            return line.role == OUTPUT
        return False

    def stock_effect(self, line: LineRequest) -> int:
        """+1 adds to on-hand stock, -1 takes from it, 0 moves within it or not at all."""
        if self.type in (ITEM_RECEIPT, RETURN, RENTAL_RETURN):
            return 1
        if self.type in (SHIPMENT, RENTAL):
            return -1
        if self.type == ADJUSTMENT:
            return 1 if line.quantity > 0 else -1
        if self.type in (BUILD, PROCESS):
            return 1 if line.role == OUTPUT else -1
        return 0  # transfer, pick ticket



def kind_problems(doc_type: str | None, parties: dict, lines: list[tuple[int | None, str | None]],
                  refused: set[str]) -> list[FieldError]:
    """What the document's kind forbids or needs: its parties, line roles and negative quantities.

    ``doc_type``, ``parties`` (by field name) and each line's (quantity, role) are the values whose shape
    was accepted, None where missing; a field already named in ``refused`` is not refused twice.
    """
    problems: list[FieldError] = []
    for name in REQUIRED_PARTIES.get(doc_type, ()):
        if parties.get(name) is None and name not in refused:
            problems.append(FieldError(name, f"A {doc_type.replace('_', ' ')} needs {name.replace('_id', '')}."))
    if doc_type == TRANSFER and parties.get("location_id") and parties["location_id"] == parties.get("to_location_id"):
        problems.append(FieldError("to_location_id", "A transfer must go to a different location."))
    for index, (quantity, role) in enumerate(lines):
        where = f"lines[{index}]"
        if quantity is not None and quantity < 0 and doc_type != ADJUSTMENT:
            problems.append(FieldError(f"{where}.quantity",
                                       "Only adjustments take negative quantities; use a positive quantity."))
        if f"{where}.role" in refused:
            continue
        if doc_type in (BUILD, PROCESS):
            if role not in ROLES:
                problems.append(FieldError(f"{where}.role", "Build and process lines need a role: input or output."))
        elif role is not None:
            problems.append(FieldError(f"{where}.role", "Only build and process lines have a role."))
    return problems


__all__ = ["LineRequest", "MalformedRequest", "PostingRequest", "kind_problems", "INPUT", "OUTPUT"]
