"""A vendor that item receipts come from."""
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import NamedRecord, address, custom_fields, custom_fields_index


class Vendor(NamedRecord, db.Model):
    __tablename__ = "vendors"
    __table_args__ = (custom_fields_index("vendors"),)

    notes: Mapped[str | None] = mapped_column(Text)
    # Printed on papers: a shipment's packing list ships to the shipping address, else the billing one.
    billing_address: Mapped[str | None] = address()
    shipping_address: Mapped[str | None] = address()
    custom_fields: Mapped[dict] = custom_fields()
