"""A warranty definition: defined once, assigned to items, carried by their serial units."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import created_at, in_list, name_column

WARRANTY_UNITS = ("days", "months", "years")


class Warranty(db.Model):
    __tablename__ = "warranties"
    __table_args__ = (
        CheckConstraint("duration > 0", name="duration_positive"),
        CheckConstraint(in_list("unit", WARRANTY_UNITS), name="unit_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = name_column()
    duration: Mapped[int] = mapped_column(nullable=False)
    unit: Mapped[str] = mapped_column(String(10), nullable=False, default="months")
    terms: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Warranty {self.id} {self.name!r} {self.duration} {self.unit}>"
