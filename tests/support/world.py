"""The small company every engine, database and API test starts from, and posting straight through the engine.

``make_company(session)`` builds it inside an app context: two locations, two customers, a
vendor, two serial-tracked items with warranties, and a plain (quantity-only) item. The engine
tests get it as the ``co`` fixture (tests/conftest.py), the API tests as ``world``
(tests/api/conftest.py). ``post(**doc)`` posts a document in the API's JSON shape through
``post_transaction``; tests/support/api.py posts the same shape over HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.posting import create_serial_unit, post_transaction
from sos_serial.engine.posting_request import PostingRequest
from sos_serial.extensions import db
from sos_serial.models import (
    CostLayer,
    Customer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    Settings,
    StockLevel,
    TransactionLine,
    TransactionLineSerial,
    User,
    Vendor,
    Warranty,
)
from sos_serial.models.serial_unit import serial_key

DATE = "2026-01-05"


@dataclass
class Company:
    main: int          # location "Main Warehouse"
    showroom: int      # location "Showroom"
    acme: int          # customer "Acme Clocks"
    baker: int         # customer "Baker & Sons Jewelers"
    vendor: int        # vendor "Yerevan Clockworks"
    clock: int         # tracked "Armenian Mantel Clock", cost 149.99, warranty "1 year parts and labor"
    grandfather: int   # tracked "Grandfather Clock", cost 1250.00, warranty "1 month"
    oil: int           # plain "Clock Oil 10 ml", cost 4.25
    user: User | None  # the clerk "clerk" who posts, when made (the API tests make their own users)
    one_year: int
    one_month: int


def make_company(session, *, with_clerk: bool = True) -> Company:
    # The settings row first, on its own: Settings.current does not see a row still pending
    # (and the PostgreSQL tests start from empty tables).
    Settings.current(session)
    session.commit()
    one_year = Warranty(name="1 year parts and labor", duration=1, unit="years")
    one_month = Warranty(name="1 month", duration=1, unit="months")
    main, showroom = Location(name="Main Warehouse"), Location(name="Showroom")
    acme, baker = Customer(name="Acme Clocks"), Customer(name="Baker & Sons Jewelers")
    vendor = Vendor(name="Yerevan Clockworks")
    clock = Item(name="Armenian Mantel Clock", sku="CLK-ARM-01", track_serials=True, cost=Decimal("149.99"),
                 warranty=one_year)
    grandfather = Item(name="Grandfather Clock", sku="CLK-GF-02", track_serials=True, cost=Decimal("1250.00"),
                       warranty=one_month)
    oil = Item(name="Clock Oil 10 ml", sku="SUP-OIL-10", cost=Decimal("4.25"))
    session.add_all([one_year, one_month, main, showroom, acme, baker, vendor, clock, grandfather, oil])
    user = None
    if with_clerk:
        user = User(username="clerk", role="clerk")
        user.password_hash = "not-a-usable-hash"  # this clerk posts but never signs in
        session.add(user)
    session.commit()
    return Company(main=main.id, showroom=showroom.id, acme=acme.id, baker=baker.id, vendor=vendor.id,
                   clock=clock.id, grandfather=grandfather.id, oil=oil.id, user=user, one_year=one_year.id,
                   one_month=one_month.id)


# ---------------------------------------------------------------------------- posting
def request_of(doc: dict) -> PostingRequest:
    doc = dict(doc)
    doc.setdefault("date", DATE)
    return read_document(doc)


def post(user=None, **doc):
    """Post a document given in the API's JSON shape, within the app's limits; ``date`` defaults to 2026-01-05."""
    return post_transaction(db.session, request_of(doc), user, current_app.extensions[LIMITS_KEY],
                            fields=current_app.extensions[CUSTOM_FIELDS_KEY])


def line(item_id, quantity, **fields) -> dict:
    return {"item_id": item_id, "quantity": quantity, **fields}


def receive(item_id, serials, location_id, unit_cost=None, date=DATE):
    fields = {"serials": list(serials)}
    if unit_cost is not None:
        fields["unit_cost"] = str(unit_cost)
    return post(type="item_receipt", date=date, location_id=location_id,
                lines=[line(item_id, len(serials), **fields)])


def ship(item_id, serials, location_id, customer_id, date=DATE):
    return post(type="shipment", date=date, location_id=location_id, customer_id=customer_id,
                lines=[line(item_id, len(serials), serials=list(serials))])


def receive_plain(item_id, quantity, location_id, unit_cost=None, date=DATE):
    fields = {} if unit_cost is None else {"unit_cost": str(unit_cost)}
    return post(type="item_receipt", date=date, location_id=location_id, lines=[line(item_id, quantity, **fields)])


def set_settings(**values) -> None:
    settings = Settings.current(db.session)
    for name, value in values.items():
        setattr(settings, name, value)
    db.session.commit()


def settings() -> Settings:
    db.session.expire_all()
    return Settings.current(db.session)


# ---------------------------------------------------------------------------- reading back
def unit(item_id, serial) -> SerialUnit | None:
    db.session.expire_all()
    return db.session.scalars(select(SerialUnit).where(
        SerialUnit.item_id == item_id, SerialUnit.serial_key == serial_key(serial))).one_or_none()


def units_of(item_id) -> list[SerialUnit]:
    db.session.expire_all()
    return list(db.session.scalars(select(SerialUnit).where(SerialUnit.item_id == item_id).order_by(SerialUnit.id)))


def item(item_id) -> Item:
    db.session.expire_all()
    return db.session.get(Item, item_id)


def figures(item_id) -> tuple[int, Decimal]:
    """(quantity on hand, value) of an item."""
    found = item(item_id)
    return found.quantity_on_hand, found.value


def stock_at(item_id, location_id) -> int:
    return db.session.scalar(select(StockLevel.quantity).where(
        StockLevel.item_id == item_id, StockLevel.location_id == location_id)) or 0


def history(unit_id) -> list[tuple]:
    """(transaction_type, status, location_id, customer_id) of each history row, oldest first."""
    rows = db.session.execute(
        select(SerialHistory.transaction_type, SerialHistory.status, SerialHistory.location_id,
               SerialHistory.customer_id)
        .where(SerialHistory.serial_unit_id == unit_id).order_by(SerialHistory.id))
    return [tuple(row) for row in rows]


def line_serials(line_id) -> list[str]:
    """The serials a posted line names, sorted."""
    return sorted(db.session.scalars(
        select(SerialUnit.serial_number).join(TransactionLineSerial,
                                              TransactionLineSerial.serial_unit_id == SerialUnit.id)
        .where(TransactionLineSerial.line_id == line_id)))


def lines_of(document) -> list[TransactionLine]:
    return list(db.session.scalars(select(TransactionLine).where(
        TransactionLine.transaction_id == document.id).order_by(TransactionLine.line_no)))


def open_layers(item_id) -> list[tuple[int, Decimal]]:
    """(quantity remaining, unit cost) of the item's FIFO layers that still hold stock, oldest first."""
    rows = db.session.execute(select(CostLayer.quantity_remaining, CostLayer.unit_cost).where(
        CostLayer.item_id == item_id, CostLayer.quantity_remaining > 0).order_by(CostLayer.id))
    return [tuple(row) for row in rows]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Columns the sign-in writes as it lets a request in (when a token was last used), not the request itself.
SIGN_IN_BOOKKEEPING = {("api_tokens", "last_used_at")}


def every_row(session) -> dict[str, list[tuple]]:
    """Every row of every table, by table name, in a stable order (leaving out the sign-in's bookkeeping)."""
    tables = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in SIGN_IN_BOOKKEEPING]
        rows = session.execute(select(*columns)).all()
        tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


def snapshot() -> dict:
    """Every row of every table, so a refused posting can be shown to have changed nothing."""
    db.session.expire_all()
    return every_row(db.session)


__all__ = [
    "Company", "DATE", "count", "create_serial_unit", "every_row", "figures", "history", "item", "line",
    "line_serials", "lines_of", "make_company", "open_layers", "post", "receive", "receive_plain", "request_of",
    "set_settings", "settings", "ship", "snapshot", "stock_at", "unit", "units_of",
]


def clock_and_main_ids(app) -> tuple[int, int]:
    """The demo's Armenian Mantel Clock and Main Warehouse, by id (the screens' forms name them so)."""
    with app.app_context():
        try:
            item = db.session.scalars(select(Item.id).where(Item.name == "Armenian Mantel Clock")).one()
            location = db.session.scalars(select(Location.id).where(Location.name == "Main Warehouse")).one()
            return item, location
        finally:
            db.session.remove()
