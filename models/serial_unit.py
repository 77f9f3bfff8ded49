"""A serial unit: one physical unit of a serial-tracked item, known by its serial number."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db
from sos_serial.limits import GS1_LOT_MAX_LENGTH, SERIAL_MAX_LENGTH
from sos_serial.money import Money

from ._columns import created_at, custom_fields, custom_fields_index, in_list, only_where, updated_at
from .customer import Customer
from .item import Item
from .location import Location
from .serial_key import looks_alike, serial_key
from .serial_search_index import POSTGRESQL_INDEX
from .warranty import Warranty

IN_STOCK = "in_stock"
USED = "used"
SHIPPED = "shipped"
ADJUSTED_OUT = "adjusted_out"
RENTED = "rented"
STATUSES = (IN_STOCK, USED, SHIPPED, ADJUSTED_OUT, RENTED)
STATUS_LABELS = {
    IN_STOCK: "In stock",
    USED: "Used",
    SHIPPED: "Shipped",
    ADJUSTED_OUT: "Adjusted out",
    RENTED: "Rented",
}
# The fields only a posting changes, as a clerk calls them.
LOCKED_FIELD_LABELS = {
    "item_id": "item",
    "serial_number": "serial number",
    "serial_key": "serial number",
    "status": "status",
    "location_id": "location",
    "customer_id": "customer",
    "unit_cost": "cost",
}

# The units the custom-field index holds; a filter on custom fields repeats it so PostgreSQL uses the index.
UNITS_WITH_CUSTOM_FIELDS = "custom_fields <> '{}'::jsonb"

# The key a serial is compared by (serial_key.py): look-alikes and letter case folded, ordered byte-wise on PostgreSQL too,
# so a prefix search is an index range scan on either database.
SerialKey = String(SERIAL_MAX_LENGTH).with_variant(String(SERIAL_MAX_LENGTH, collation="C"), "postgresql")

__all__ = ["SerialUnit", "looks_alike", "serial_key"]


class SerialUnit(db.Model):
    __tablename__ = "serial_units"
    __table_args__ = (
        CheckConstraint(in_list("status", STATUSES), name="status_known"),
        # Where a unit is follows from its status; the database holds every writer to it.
        CheckConstraint(
            "(status = 'in_stock' AND location_id IS NOT NULL AND customer_id IS NULL)"
            " OR (status IN ('shipped', 'rented') AND customer_id IS NOT NULL AND location_id IS NULL)"
            " OR (status IN ('used', 'adjusted_out') AND location_id IS NULL AND customer_id IS NULL)",
            name="place_matches_status",
        ),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        CheckConstraint(
            "warranty_start IS NULL OR warranty_end IS NULL OR warranty_end >= warranty_start",
            name="warranty_end_after_start",
        ),
        # One serial per item, compared by key: trimmed, without regard to case, look-alike characters as one.
        Index("uq_serial_units_item_serial_key", "item_id", "serial_key", unique=True),
        # Serial search across items, and the pickers' "in stock here" lists.
        Index("ix_serial_units_serial_key", "serial_key"),
        Index("ix_serial_units_item_status_location", "item_id", "status", "location_id", "serial_key"),
        # Partial: only units that have a customer, a location or a warranty end are ever looked up
        # by them, and a receipt's new units (no customer, no warranty yet) skip two indexes.
        Index("ix_serial_units_customer", "customer_id", "status", **only_where("customer_id IS NOT NULL")),
        Index("ix_serial_units_location", "location_id", "status", **only_where("location_id IS NOT NULL")),
        Index("ix_serial_units_warranty_end", "warranty_end", **only_where("warranty_end IS NOT NULL")),
        # Partial too: a receipt's new units carry no custom fields and are not written into it.
        custom_fields_index("serial_units", postgresql_where=text(UNITS_WITH_CUSTOM_FIELDS)),
        # "Serial contains": trigrams of the key (pg_trgm). SQLite's equivalent is serial_search_index.py's table.
        Index(POSTGRESQL_INDEX, "serial_key", postgresql_using="gin",
              postgresql_ops={"serial_key": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    # active_history: a change records the stored value it replaces, even on an expired
    # object, so rules and the audit trail see "old -> new" exactly.
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"), nullable=False, active_history=True)
    serial_number: Mapped[str] = mapped_column(String(SERIAL_MAX_LENGTH), nullable=False, active_history=True)
    serial_key: Mapped[str] = mapped_column(SerialKey, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, active_history=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="RESTRICT"), active_history=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"), active_history=True)
    unit_cost: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), active_history=True)
    warranty_id: Mapped[int | None] = mapped_column(ForeignKey("warranties.id", ondelete="RESTRICT"))
    warranty_start: Mapped[date | None] = mapped_column(Date, active_history=True)
    warranty_end: Mapped[date | None] = mapped_column(Date, active_history=True)
    notes: Mapped[str | None] = mapped_column(Text, active_history=True)
    # What a scanned GS1 barcode carried besides the serial, kept as the unit was received: AI 10, 17, 11.
    lot: Mapped[str | None] = mapped_column(String(GS1_LOT_MAX_LENGTH))
    expiry_date: Mapped[date | None] = mapped_column(Date)
    production_date: Mapped[date | None] = mapped_column(Date)
    custom_fields: Mapped[dict] = custom_fields()
    # Optimistic version: a correction made from a stale page is refused, not merged.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    # "unnested": under an outer join (history rows and their unit) the item joins in the same
    # chain, which both databases plan as index lookups; a nested inner join was materialized whole.
    item: Mapped[Item] = relationship(lazy="joined", innerjoin="unnested")
    location: Mapped[Location | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    warranty: Mapped[Warranty | None] = relationship()

    @property
    def place(self) -> str:
        """Where the unit is, in words: a location, a customer, or why it is neither."""
        if self.location is not None:
            return self.location.name
        if self.customer is not None:
            return self.customer.name
        return STATUS_LABELS.get(self.status, self.status)

    def __str__(self) -> str:
        return f"{self.serial_number} ({self.item.name})" if self.item else self.serial_number

    def __repr__(self) -> str:
        return f"<SerialUnit {self.id} {self.serial_number!r} {self.status}>"
