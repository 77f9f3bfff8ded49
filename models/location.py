"""A place where units are stocked: a warehouse, a van, a shelf."""
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import NamedRecord


class Location(NamedRecord, db.Model):
    __tablename__ = "locations"

    notes: Mapped[str | None] = mapped_column(Text)
