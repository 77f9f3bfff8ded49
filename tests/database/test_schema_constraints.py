"""What the database itself enforces, whoever writes: written here with plain SQL, past the ORM."""
from datetime import date

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialHistory, SerialUnit
from sos_serial.models.serial_unit import serial_key


@pytest.fixture
def base(app):
    with app.app_context():
        with db.engine.begin() as conn:
            item = conn.execute(insert(Item).values(name="Armenian Mantel Clock", track_serials=True,
                                                    cost=0, quantity_on_hand=0, value=0)).inserted_primary_key[0]
            other = conn.execute(insert(Item).values(name="Cuckoo Clock", track_serials=True,
                                                     cost=0, quantity_on_hand=0, value=0)).inserted_primary_key[0]
            location = conn.execute(insert(Location).values(name="Main Warehouse")).inserted_primary_key[0]
            customer = conn.execute(insert(Customer).values(name="Acme Clocks")).inserted_primary_key[0]
        yield {"item": item, "other": other, "location": location, "customer": customer}


def unit_row(base, serial, **overrides):
    row = {"item_id": base["item"], "serial_number": serial, "serial_key": serial_key(serial),
           "status": "in_stock", "location_id": base["location"], "customer_id": None, "unit_cost": 0}
    row.update(overrides)
    return row


def insert_unit(base, serial, **overrides):
    with db.engine.begin() as conn:
        return conn.execute(insert(SerialUnit).values(**unit_row(base, serial, **overrides))).inserted_primary_key[0]


def test_serial_key_is_trimmed_and_case_folded():
    assert serial_key("  clk-0001 ") == serial_key("CLK-0001") == "clk-0001"


def test_same_serial_differing_only_in_case_is_refused_for_one_item(base):
    insert_unit(base, "CLK-0001")
    with pytest.raises(IntegrityError):
        insert_unit(base, "clk-0001 ")


def test_same_serial_is_allowed_for_different_items(base):
    insert_unit(base, "CLK-0001")
    insert_unit(base, "CLK-0001", item_id=base["other"])
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM serial_units")).scalar() == 2


@pytest.mark.parametrize("status, place", [
    ("in_stock", {"location_id": None}),
    ("in_stock", {"customer_id": "customer"}),
    ("shipped", {"location_id": "location"}),
    ("shipped", {"location_id": None}),
    ("rented", {"location_id": None}),
    ("used", {"location_id": "location"}),
    ("adjusted_out", {"location_id": None, "customer_id": "customer"}),
    ("lost", {}),
])
def test_status_and_place_must_agree(base, status, place):
    overrides = {"status": status}
    for column, value in place.items():
        overrides[column] = base[value] if value else None
    with pytest.raises(IntegrityError):
        insert_unit(base, "CLK-0009", **overrides)


@pytest.mark.parametrize("status, place", [
    ("in_stock", {}),
    ("shipped", {"location_id": None, "customer_id": "customer"}),
    ("rented", {"location_id": None, "customer_id": "customer"}),
    ("used", {"location_id": None}),
    ("adjusted_out", {"location_id": None}),
])
def test_valid_status_and_place_are_accepted(base, status, place):
    overrides = {"status": status}
    for column, value in place.items():
        overrides[column] = base[value] if value else None
    assert insert_unit(base, "CLK-0010", **overrides)


def test_warranty_end_before_start_is_refused(base):
    with pytest.raises(IntegrityError):
        insert_unit(base, "CLK-0011", warranty_start=date(2026, 5, 1), warranty_end=date(2026, 4, 30))


def test_foreign_keys_are_enforced(base):
    with pytest.raises(IntegrityError):
        insert_unit(base, "CLK-0012", location_id=999_999)


def test_item_quantity_cannot_go_negative(base):
    with pytest.raises(IntegrityError):
        with db.engine.begin() as conn:
            conn.execute(update(Item).where(Item.id == base["item"]).values(quantity_on_hand=-1))


def test_history_rows_can_be_neither_updated_nor_deleted_in_the_database(base):
    unit = insert_unit(base, "CLK-0013")
    with db.engine.begin() as conn:
        conn.execute(insert(SerialHistory).values(
            serial_unit_id=unit, transaction_type="created", date=date(2026, 1, 5), status="in_stock",
            location_id=base["location"]))
    for statement in ("UPDATE serial_history SET status = 'shipped'", "DELETE FROM serial_history"):
        with pytest.raises(DBAPIError) as refused:
            with db.engine.begin() as conn:
                conn.execute(text(statement))
        assert "append-only" in str(refused.value)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM serial_history")).scalar() == "in_stock"
