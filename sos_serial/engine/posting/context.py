"""What one posting knows while it runs: the document, its kind, the rows it loaded and the keys it computed."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from sqlalchemy.exc import IntegrityError

from sos_serial.database.constraints import constraint_name
from sos_serial.engine.limits import Limits
from sos_serial.engine.posting_request import LineRequest, PostingRequest
from sos_serial.engine.serial_csv import CsvSerials
from sos_serial.models import Customer, Item, Location
from sos_serial.models.serial_unit import IN_STOCK, RENTED, SHIPPED, USED


@dataclass
class UnitRow:
    """The state of one existing serial unit, as the posting reads it."""

    id: int
    serial_number: str
    key: str
    status: str
    location_id: int | None
    customer_id: int | None
    unit_cost: Decimal
    warranty_id: int | None = None
    warranty_start: date | None = None
    warranty_end: date | None = None
    # What a scanned GS1 barcode told of the unit when it was received (lot, expiry, production date).
    lot: str | None = None
    expiry_date: date | None = None
    production_date: date | None = None


class PostingContext:
    """The document being posted and everything the checks and writes share about it."""

    _SOURCE_WORDS = {IN_STOCK: "in stock at {}", SHIPPED: "shipped to customer {}", RENTED: "rented to customer {}"}

    def __init__(self, session, request: PostingRequest, user, limits: Limits, rules):
        self.session = session
        self.req = request
        self.kind = request.kind
        self.limits = limits
        self.user_id = getattr(user, "id", None)
        self.rules = rules
        self.settings = None
        self.custom_fields: dict = {}  # the document's own, as checked
        self.items: dict[int, Item] = {}
        self.parties: dict[str, object] = {}
        self.units: dict[int, dict[str, UnitRow]] = defaultdict(dict)  # item id -> key -> unit
        self.keys: dict[int, list[str]] = {}  # line index -> serial keys, in line order
        self.csv_files: dict[int, CsvSerials] = {}  # line index -> the serials its CSV file holds
        self.next_unit_id: int | None = None  # SQLite: the id the next new unit takes
        self.plain_stock_in: Counter[tuple[int, int]] = Counter()  # (item id, location id) -> quantity put
        self.shared = None  # a many-line document's SharedRows: what its lines write together (shared_rows.py)

    def item_of(self, line: LineRequest) -> Item:
        return self.items[line.item_id]

    @cached_property
    def source(self) -> tuple[str, int, str]:
        """Where this document takes existing units from: (status, place id, in words).

        The same for every unit of the document, so worked out once (after the parties are loaded)."""
        status, party = self.kind.takes_status, self.kind.takes_from
        return status, getattr(self.req, party), self._SOURCE_WORDS[status].format(self.parties[party].name)

    def place(self, unit: UnitRow) -> str:
        if unit.status == IN_STOCK:
            return f"in stock at {self.session.get(Location, unit.location_id).name}"
        if unit.status == SHIPPED:
            return f"shipped to customer {self.session.get(Customer, unit.customer_id).name}"
        if unit.status == RENTED:
            return f"out on rental to customer {self.session.get(Customer, unit.customer_id).name}"
        if unit.status == USED:
            return "used in a build or process"
        return "adjusted out of stock"


def is_serial_taken(exc: IntegrityError) -> bool:
    """Whether the unique serial per item refused the write (named as PostgreSQL and SQLite name it)."""
    return constraint_name(exc) in ("uq_serial_units_item_serial_key", "serial_units.item_id, serial_units.serial_key")
