"""A transaction document: a receipt, shipment, transfer, adjustment, build and the rest."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._columns import created_at, custom_fields, custom_fields_index, in_list, only_where
from .customer import Customer
from .document_kind import KIND_CODES, DocumentKind, document_kind, is_document_kind
from .location import Location
from .vendor import Vendor

# A document stays listed once voided: its units, stock and value went back to where it found them.
POSTED = "posted"
VOIDED = "voided"
STATUSES = (POSTED, VOIDED)


class Transaction(db.Model):
    __tablename__ = "transactions"
    __table_args__ = (
        CheckConstraint(in_list("type", KIND_CODES), name="type_known"),
        Index("ix_transactions_type_date", "type", "date"),
        # A customer's documents (the history report's customer filter); receipts and transfers name none.
        Index("ix_transactions_customer", "customer_id", **only_where("customer_id IS NOT NULL")),
        custom_fields_index("transactions"),
        CheckConstraint(in_list("status", STATUSES), name="status_known"),
        CheckConstraint("(status = 'voided') = (voided_at IS NOT NULL)", name="voided_when_voided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    number: Mapped[str | None] = mapped_column(String(24), unique=True)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="RESTRICT"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="RESTRICT"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="RESTRICT"))
    memo: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict] = custom_fields()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at()
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=POSTED, server_default=POSTED)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    vendor: Mapped[Vendor | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    location: Mapped[Location | None] = relationship(foreign_keys=[location_id])
    to_location: Mapped[Location | None] = relationship(foreign_keys=[to_location_id])
    voided_by_user: Mapped["User | None"] = relationship(foreign_keys=[voided_by_id])  # noqa: F821
    lines: Mapped[list["TransactionLine"]] = relationship(  # noqa: F821
        back_populates="transaction", order_by="TransactionLine.line_no", cascade="all, delete-orphan"
    )

    @property
    def kind(self) -> DocumentKind:
        return document_kind(self.type)

    @property
    def is_voided(self) -> bool:
        return self.status == VOIDED

    @property
    def voided_by(self) -> str | None:
        """The username of who voided the document (None: not voided, or the user is gone)."""
        return self.voided_by_user.username if self.voided_by_user is not None else None

    @property
    def type_label(self) -> str:
        return self.kind.label if is_document_kind(self.type) else str(self.type)

    def __str__(self) -> str:
        return self.number or f"{self.type_label} {self.id}"

    def __repr__(self) -> str:
        return f"<Transaction {self.id} {self.type} {self.number!r}>"
