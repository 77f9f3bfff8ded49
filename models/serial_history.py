"""The append-only history of a serial unit: one row per posting or manual edit, never changed."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._append_only import refuse_changes
from ._columns import created_at, only_where
from .serial_unit import SerialUnit

# Events that are not transactions.
CREATED = "created"
EDIT = "edit"
# A voided document's unit, put back where the document found it; transaction_id names the document.
VOID = "void"
# A unit's serial number corrected (changes: {"serial_number": [old, new], "reason": why}).
RENUMBER = "renumber"


class SerialHistory(db.Model):
    __tablename__ = "serial_history"
    __table_args__ = (
        Index("ix_serial_history_unit", "serial_unit_id", "id"),
        Index("ix_serial_history_transaction", "transaction_id"),
        # The history report lists events oldest first: date, then posting order.
        Index("ix_serial_history_date", "date", "id"),
        # The history report's customer filter.
        Index("ix_serial_history_customer", "customer_id", "id", **only_where("customer_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_unit_id: Mapped[int] = mapped_column(ForeignKey("serial_units.id", ondelete="RESTRICT"), nullable=False)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id", ondelete="RESTRICT"))
    # A transaction type, or "created" / "edit" for events outside transactions.
    transaction_type: Mapped[str] = mapped_column(String(16), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    # The unit's state after this event.
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="RESTRICT"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # For manual edits: {field: [old, new]}.
    changes: Mapped[dict | None] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = created_at()

    serial_unit: Mapped[SerialUnit] = relationship()
    transaction: Mapped["Transaction | None"] = relationship()  # noqa: F821

    @property
    def void_reason(self) -> str | None:
        """For a void row: why its document was voided."""
        return self.transaction.void_reason if self.transaction_type == VOID and self.transaction else None

    def __repr__(self) -> str:
        return f"<SerialHistory {self.id} unit={self.serial_unit_id} {self.transaction_type}>"


# The database refuses edits too, whoever connects. The initial migration creates the same triggers.
refuse_changes(SerialHistory.__table__, "serial history is append-only: rows can be neither updated nor deleted")
