"""A customer: where shipped, rented and historical units are."""
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import NamedRecord


class Customer(NamedRecord, db.Model):
    __tablename__ = "customers"

    notes: Mapped[str | None] = mapped_column(Text)
