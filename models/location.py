"""A place where units are stocked: a warehouse, a van, a shelf."""
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import NamedRecord, custom_fields, custom_fields_index


class Location(NamedRecord, db.Model):
    __tablename__ = "locations"
    __table_args__ = (custom_fields_index("locations"),)

    notes: Mapped[str | None] = mapped_column(Text)
    custom_fields: Mapped[dict] = custom_fields()
