"""What each kind of transaction document does: one table, read by the posting, the screens, the menus and the form.

In the spirit of Odoo's ``stock.picking.type``: a kind is data, not a branch in the code. The
posting, the request reader, the screens and the entry form's script ask the kind what to do;
adding a kind is one entry in ``KINDS`` plus its tests (and a migration, since the database's
``type_known`` check constraint lists the codes).
"""
from __future__ import annotations

from dataclasses import dataclass

from .serial_unit import ADJUSTED_OUT, IN_STOCK, RENTED, SHIPPED, USED

# The parts a build or process line plays: inputs are consumed, outputs enter stock.
INPUT = "input"
OUTPUT = "output"
ROLES = (INPUT, OUTPUT)

# Which lines of a document receive units with new serial numbers (the rest name existing units).
ALWAYS = "always"
POSITIVE_QUANTITY = "positive_quantity"  # adjustments: a positive quantity adds, a negative one takes out
OUTPUT_LINES = "output_lines"  # builds and processes: outputs are new units, inputs are consumed
NEVER = "never"
NEW_SERIALS = (ALWAYS, POSITIVE_QUANTITY, OUTPUT_LINES, NEVER)

# The document's party fields, as the API and the entry form name them.
VENDOR = "vendor_id"
CUSTOMER = "customer_id"
LOCATION = "location_id"
TO_LOCATION = "to_location_id"
PARTY_FIELDS = (VENDOR, CUSTOMER, LOCATION, TO_LOCATION)

# The menus the screens sit in (under Operations).
PURCHASING = "Purchasing"
SALES = "Sales"
INVENTORY = "Inventory"
PRODUCTION = "Production"


@dataclass(frozen=True)
class DocumentKind:
    code: str  # stored in transactions.type and serial_history.transaction_type
    label: str  # one document: "Item receipt"
    menu_label: str  # the screen's menu entry: "Item receipts"
    endpoint: str  # the screen's address: /admin/<endpoint>/
    menu_category: str
    sequence: int  # order within the menus
    number_prefix: str  # document numbers read like "IR-000012"
    # The form's header: (party field, label), in the order shown.
    header_fields: tuple[tuple[str, str], ...]
    required_parties: tuple[str, ...]
    new_serials: str  # which lines receive new units: one of NEW_SERIALS
    # Lines naming existing units take them from units of this status at the document's party ...
    takes_status: str = IN_STOCK
    takes_from: str = LOCATION
    # ... and leave them with this status at this party (None: at no place, e.g. used or adjusted out).
    status_after: str = IN_STOCK
    puts_at: str | None = LOCATION
    # +1 each line adds to stock, -1 takes from it, 0 moves it within stock or not at all; for kinds whose
    # lines receive new serials only some of the time, a line adds when it receives them and takes otherwise.
    stock_effect: int = 0
    moves_stock: bool = True  # a pick ticket only names units: nothing moves
    starts_warranty: bool = False  # the unit's coverage starts (or is kept) when this document posts
    has_packing_list: bool = False

    @property
    def line_roles(self) -> bool:
        """Lines say whether they are an input or an output."""
        return self.new_serials == OUTPUT_LINES

    @property
    def signed_quantities(self) -> bool:
        """Lines may take negative quantities (taking stock out)."""
        return self.new_serials == POSITIVE_QUANTITY

    @property
    def takes_unit_cost(self) -> bool:
        """Some line may add to stock, so the clerk may give its unit cost."""
        return self.new_serials != NEVER or self.stock_effect > 0

    @property
    def returns_from_customer(self) -> bool:
        """Units come back from a customer (valued at the item's average cost when no cost is given)."""
        return self.takes_from == CUSTOMER

    def receives_new_serials(self, quantity: int, role: str | None) -> bool:
        """A line of this quantity and role receives new units (typed, uploaded or numbered serials)."""
        if self.new_serials == ALWAYS:
            return True
        if self.new_serials == POSITIVE_QUANTITY:
            return quantity > 0
        if self.new_serials == OUTPUT_LINES:
            return role == OUTPUT
        return False

    def line_stock_effect(self, quantity: int, role: str | None) -> int:
        """+1 the line adds to on-hand stock, -1 takes from it, 0 moves within it or not at all."""
        if self.new_serials in (POSITIVE_QUANTITY, OUTPUT_LINES):
            return 1 if self.receives_new_serials(quantity, role) else -1
        return self.stock_effect


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        code="item_receipt", label="Item receipt", menu_label="Item receipts", endpoint="item_receipts",
        menu_category=PURCHASING, sequence=10, number_prefix="IR",
        header_fields=((VENDOR, "Vendor"), (LOCATION, "Receive into")), required_parties=(LOCATION,),
        new_serials=ALWAYS, stock_effect=1,
    ),
    DocumentKind(
        code="shipment", label="Shipment", menu_label="Shipments", endpoint="shipments",
        menu_category=SALES, sequence=20, number_prefix="SH",
        header_fields=((CUSTOMER, "Customer"), (LOCATION, "Ship from")), required_parties=(LOCATION, CUSTOMER),
        new_serials=NEVER, status_after=SHIPPED, puts_at=CUSTOMER, stock_effect=-1,
        starts_warranty=True, has_packing_list=True,
    ),
    DocumentKind(
        code="transfer", label="Transfer", menu_label="Transfers", endpoint="transfers",
        menu_category=INVENTORY, sequence=70, number_prefix="TR",
        header_fields=((LOCATION, "From location"), (TO_LOCATION, "To location")),
        required_parties=(LOCATION, TO_LOCATION),
        new_serials=NEVER, status_after=IN_STOCK, puts_at=TO_LOCATION, stock_effect=0,
    ),
    DocumentKind(
        code="adjustment", label="Adjustment", menu_label="Adjustments", endpoint="adjustments",
        menu_category=INVENTORY, sequence=80, number_prefix="ADJ",
        header_fields=((LOCATION, "Location"),), required_parties=(LOCATION,),
        new_serials=POSITIVE_QUANTITY, status_after=ADJUSTED_OUT, puts_at=None,
    ),
    DocumentKind(
        code="return", label="Return", menu_label="Returns", endpoint="returns",
        menu_category=SALES, sequence=40, number_prefix="RET",
        header_fields=((CUSTOMER, "Returned by customer"), (LOCATION, "Return into")),
        required_parties=(LOCATION, CUSTOMER),
        new_serials=NEVER, takes_status=SHIPPED, takes_from=CUSTOMER, status_after=IN_STOCK, puts_at=LOCATION,
        stock_effect=1,
    ),
    DocumentKind(
        code="pick_ticket", label="Pick ticket", menu_label="Pick tickets", endpoint="pick_tickets",
        menu_category=SALES, sequence=30, number_prefix="PT",
        header_fields=((CUSTOMER, "For customer"), (LOCATION, "Pick from")), required_parties=(LOCATION,),
        new_serials=NEVER, stock_effect=0, moves_stock=False,
    ),
    DocumentKind(
        code="rental", label="Rental", menu_label="Rentals", endpoint="rentals",
        menu_category=SALES, sequence=50, number_prefix="REN",
        header_fields=((CUSTOMER, "Rented to"), (LOCATION, "From location")), required_parties=(LOCATION, CUSTOMER),
        new_serials=NEVER, status_after=RENTED, puts_at=CUSTOMER, stock_effect=-1,
    ),
    DocumentKind(
        code="rental_return", label="Rental return", menu_label="Rental returns", endpoint="rental_returns",
        menu_category=SALES, sequence=60, number_prefix="RR",
        header_fields=((CUSTOMER, "Returned by"), (LOCATION, "Return into")), required_parties=(LOCATION, CUSTOMER),
        new_serials=NEVER, takes_status=RENTED, takes_from=CUSTOMER, status_after=IN_STOCK, puts_at=LOCATION,
        stock_effect=1,
    ),
    DocumentKind(
        code="build", label="Build", menu_label="Builds", endpoint="builds",
        menu_category=PRODUCTION, sequence=90, number_prefix="BLD",
        header_fields=((LOCATION, "Location"),), required_parties=(LOCATION,),
        new_serials=OUTPUT_LINES, status_after=USED, puts_at=None,
    ),
    DocumentKind(
        code="process", label="Process", menu_label="Processes", endpoint="processes",
        menu_category=PRODUCTION, sequence=100, number_prefix="PRC",
        header_fields=((LOCATION, "Location"),), required_parties=(LOCATION,),
        new_serials=OUTPUT_LINES, status_after=USED, puts_at=None,
    ),
)
KIND_CODES = tuple(kind.code for kind in KINDS)
_BY_CODE = {kind.code: kind for kind in KINDS}


def document_kind(code: str) -> DocumentKind:
    """The kind of document called ``code``; KeyError for a code no kind has."""
    return _BY_CODE[code]


def is_document_kind(code) -> bool:
    return isinstance(code, str) and code in _BY_CODE


def kinds_where(test) -> tuple[DocumentKind, ...]:
    """The kinds ``test`` holds for, in table order (for messages that name them)."""
    return tuple(kind for kind in KINDS if test(kind))
