"""The serial units a transaction line names, received, picked or moved."""
from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from .serial_unit import SerialUnit


class TransactionLineSerial(db.Model):
    __tablename__ = "transaction_line_serials"
    __table_args__ = (Index("ix_transaction_line_serials_unit", "serial_unit_id"),)

    line_id: Mapped[int] = mapped_column(
        ForeignKey("transaction_lines.id", ondelete="CASCADE"), primary_key=True
    )
    serial_unit_id: Mapped[int] = mapped_column(
        ForeignKey("serial_units.id", ondelete="RESTRICT"), primary_key=True
    )

    serial_unit: Mapped[SerialUnit] = relationship()
