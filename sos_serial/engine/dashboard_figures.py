"""The home page's figures: what is in stock where, what left this month, whose warranty ends soon.

Each figure is one aggregate query over an indexed column (units by place, history by date, units by
warranty end, documents by id), so the page costs the same at a thousand units and at a million.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from sos_serial.models import Location, SerialHistory, SerialUnit, Transaction
from sos_serial.models.serial_unit import IN_STOCK, SHIPPED

WARRANTY_HORIZON_DAYS = 30
LAST_DOCUMENTS = 8


@dataclass(frozen=True)
class DashboardFigures:
    in_stock_by_location: list[tuple[str, int]]  # location name, serial units in stock there; largest first
    in_stock: int
    shipped_this_month: int  # serial units shipped since the first of this month
    month_start: date
    warranties_ending: int  # units whose warranty ends within WARRANTY_HORIZON_DAYS
    horizon_end: date
    next_warranty_end: date | None  # the first warranty end after today, to say when the next one comes
    last_documents: list[Transaction]


def dashboard_figures(session, today: date) -> DashboardFigures:
    by_location = session.execute(
        select(Location.name, func.count(SerialUnit.id))
        .join(SerialUnit, SerialUnit.location_id == Location.id)
        .where(SerialUnit.status == IN_STOCK)
        .group_by(Location.id, Location.name)
        .order_by(func.count(SerialUnit.id).desc(), Location.name)
    ).all()
    month_start = today.replace(day=1)
    # A unit shipped, returned and shipped again in one month left twice; it is counted once.
    shipped = session.scalar(
        select(func.count(func.distinct(SerialHistory.serial_unit_id)))
        .where(SerialHistory.date >= month_start, SerialHistory.date <= today,
               SerialHistory.transaction_type == "shipment", SerialHistory.status == SHIPPED))
    horizon_end = today + timedelta(days=WARRANTY_HORIZON_DAYS)
    ending = session.scalar(
        select(func.count()).select_from(SerialUnit)
        .where(SerialUnit.warranty_end >= today, SerialUnit.warranty_end <= horizon_end))
    next_end = session.scalar(select(func.min(SerialUnit.warranty_end)).where(SerialUnit.warranty_end >= today))
    documents = session.scalars(select(Transaction).order_by(Transaction.id.desc()).limit(LAST_DOCUMENTS)).all()
    rows = [(name, count) for name, count in by_location]
    return DashboardFigures(rows, sum(count for _, count in rows), shipped or 0, month_start, ending or 0,
                            horizon_end, next_end, list(documents))
