"""A vendor that item receipts come from."""
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import NamedRecord


class Vendor(NamedRecord, db.Model):
    __tablename__ = "vendors"

    notes: Mapped[str | None] = mapped_column(Text)
