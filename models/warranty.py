"""A warranty definition: defined once, assigned to items, carried by their serial units."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import created_at, in_list, name_column

WARRANTY_UNITS = ("days", "months", "years")
# A hundred years at most, in any unit: longer is a typing mistake, and would end past year 9999.
MAX_DURATION = {"days": 36_500, "months": 1_200, "years": 100}


def duration_problem(duration, unit) -> str | None:
    """Why a warranty duration cannot be accepted, or None."""
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        return "The duration must be a whole number greater than 0."
    if isinstance(unit, str) and unit in MAX_DURATION and duration > MAX_DURATION[unit]:
        return f"A warranty can last at most {MAX_DURATION[unit]:,} {unit} (a hundred years)."
    return None


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
