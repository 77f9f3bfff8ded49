"""The ORM guard puts every write to the rule hooks: direct edits, bulk statements, form saves."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, insert, literal, select, update

from sos_serial.database.guard import posting_scope
from sos_serial.errors import Conflict, PermissionDenied, RuleFailed
from sos_serial.extensions import db
from sos_serial.models import (
    Customer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    Settings,
)
from sos_serial.models.serial_unit import serial_key


@pytest.fixture
def stock(session):
    """An item with one unit in stock, written past the guard as a posting would."""
    item = Item(name="Armenian Mantel Clock", track_serials=True)
    plain = Item(name="Clock Oil 10 ml")
    location, other = Location(name="Main Warehouse"), Location(name="Showroom")
    customer = Customer(name="Acme Clocks")
    session.add_all([item, plain, location, other, customer])
    session.flush()
    with posting_scope(session):
        unit = SerialUnit(item=item, serial_number="CLK-0001", serial_key="clk-0001", status="in_stock",
                          location_id=location.id, unit_cost=Decimal("149.99"))
        session.add(unit)
        session.flush()
        session.add(SerialHistory(serial_unit_id=unit.id, transaction_type="created", date=date(2026, 1, 2),
                                  status="in_stock", location_id=location.id))
        item.quantity_on_hand, item.value = 1, Decimal("149.99")
        session.commit()
    return {"item": item, "plain": plain, "unit": unit, "location": location, "other": other,
            "customer": customer}


@pytest.mark.parametrize("field, value, words", [
    ("location_id", "other", "location"),
    ("customer_id", "customer", "customer"),
    ("status", "adjusted_out", "status"),
    ("unit_cost", Decimal("1.00"), "cost"),
    ("serial_number", "CLK-9999", "serial number"),
])
def test_direct_edit_of_a_locked_field_is_refused(session, stock, field, value, words):
    unit = stock["unit"]
    if isinstance(value, str) and value in stock:
        value = stock[value].id
    setattr(unit, field, value)
    with pytest.raises(Conflict) as refused:
        session.commit()
    assert f"the {words}" in refused.value.message and "CLK-0001 of Armenian Mantel Clock" in refused.value.message
    session.rollback()
    assert session.get(SerialUnit, unit.id).location_id == stock["location"].id


def test_direct_edit_of_warranty_dates_and_notes_is_allowed(session, stock):
    unit = stock["unit"]
    unit.warranty_start, unit.warranty_end, unit.notes = date(2026, 2, 1), date(2027, 2, 1), "Checked"
    session.commit()
    session.expire_all()
    assert session.get(SerialUnit, unit.id).warranty_end == date(2027, 2, 1)


def test_a_unit_cannot_be_created_past_the_posting_code(session, stock):
    session.add(SerialUnit(item=stock["item"], serial_number="CLK-0002", serial_key="clk-0002",
                           status="in_stock", location_id=stock["location"].id))
    with pytest.raises(Conflict, match="Add new"):
        session.flush()


def test_bulk_update_of_unit_places_is_refused(session, stock):
    with pytest.raises(Conflict, match="location"):
        session.execute(update(SerialUnit).values(location_id=stock["other"].id))
    session.rollback()
    assert session.scalar(select(SerialUnit.location_id)) == stock["location"].id


def test_bulk_update_of_warranty_dates_is_allowed(session, stock):
    session.execute(update(SerialUnit).values(notes="Recalled batch"))
    session.commit()
    assert session.scalar(select(SerialUnit.notes)) == "Recalled batch"


def test_bulk_delete_and_insert_of_units_are_refused(session, stock):
    with pytest.raises(Conflict, match="never deleted"):
        session.execute(delete(SerialUnit))
    with pytest.raises(Conflict, match="one at a time"):
        session.execute(insert(SerialUnit), [{"item_id": stock["item"].id, "serial_number": "X",
                                             "serial_key": "x", "status": "used"}])


@pytest.mark.parametrize("values", [{"quantity_on_hand": Item.quantity_on_hand + 5},
                                    {"value": Item.value * 2}], ids=["quantity", "value"])
def test_bulk_edit_of_item_quantity_or_value_by_an_expression_is_refused(session, stock, values):
    with pytest.raises(Conflict, match="bulk edit cannot change"):
        session.execute(update(Item).values(**values))
    session.rollback()
    assert session.get(Item, stock["item"].id).quantity_on_hand == 1


@pytest.mark.parametrize("values", [{"quantity_on_hand": 5}, {"value": Decimal("10")}])
def test_bulk_edit_of_item_quantity_or_value_is_refused(session, stock, values):
    with pytest.raises(Conflict, match="bulk edit cannot change"):
        session.execute(update(Item).values(**values))
    session.rollback()
    assert session.get(Item, stock["item"].id).quantity_on_hand == 1


def test_bulk_update_by_primary_key_rows_is_checked_too(session, stock):
    with pytest.raises(Conflict, match="bulk edit cannot change"):
        session.execute(update(Item), [{"id": stock["item"].id, "quantity_on_hand": 7}])


def test_form_style_edit_of_item_quantity_is_refused(session, stock):
    stock["plain"].quantity_on_hand = 12
    with pytest.raises(Conflict, match="only by posting a transaction"):
        session.commit()


def test_bulk_rename_of_items_is_allowed(session, stock):
    session.execute(update(Item).where(Item.id == stock["plain"].id).values(name="Clock Oil 20 ml"))
    session.commit()
    assert session.get(Item, stock["plain"].id).name == "Clock Oil 20 ml"


def test_history_rows_cannot_be_edited_through_the_orm(session, stock):
    row = session.scalars(select(SerialHistory)).one()
    row.status = "shipped"
    with pytest.raises(Conflict, match="permanent record"):
        session.flush()
    session.rollback()
    with pytest.raises(Conflict, match="permanent record"):
        session.execute(delete(SerialHistory))


def test_tracking_cannot_start_while_stock_is_on_hand(session, stock):
    oil = stock["plain"]
    with posting_scope(session):
        oil.quantity_on_hand, oil.value = 12, Decimal("51.00")
        session.commit()
    oil.track_serials = True
    with pytest.raises(Conflict) as refused:
        session.commit()
    assert "Clock Oil 10 ml still has 12 on hand worth 51.00" in refused.value.message
    assert "adjustment" in refused.value.message


def test_tracking_needs_plus_or_pro(session, stock):
    Settings.current(session).plan = "companion"
    session.commit()
    stock["plain"].track_serials = True
    with pytest.raises(PermissionDenied, match="Plus or Pro plan"):
        session.commit()
    session.rollback()
    session.add(Item(name="New Clock", track_serials=True))
    with pytest.raises(PermissionDenied):
        session.commit()


def test_tracking_starts_on_an_item_with_nothing_on_hand(session, stock):
    stock["plain"].track_serials = True
    session.commit()
    assert session.get(Item, stock["plain"].id).track_serials is True


def test_tracking_cannot_stop_while_units_are_in_stock(session, stock):
    stock["item"].track_serials = False
    with pytest.raises(Conflict, match="1 serial units in stock"):
        session.commit()


def test_a_crashing_plugin_fails_the_write_closed(app_config, stock_free_app_factory, caplog):
    app = stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=["tests.support.crashing_plugin"]))
    with app.app_context():
        db.session.add(Item(name="Anything"))
        with pytest.raises(RuleFailed, match="incident [0-9a-f]{8}") as failed:
            db.session.commit()
        assert "nothing was saved" in failed.value.message and failed.value.status == 500
        assert "plugin fault" not in failed.value.message
        # The log names the plugin and the hook, with the traceback, under the same incident id.
        logged = "\n".join(r.getMessage() for r in caplog.records if failed.value.incident in r.getMessage())
        assert "'tests.support.crashing_plugin'" in logged and "validate_item_change" in logged
        assert "RuntimeError: plugin fault while checking Anything" in logged
        db.session.rollback()
        assert db.session.scalar(select(Item).where(Item.name == "Anything")) is None


def test_serial_key_column_holds_the_normalized_serial(session, stock):
    assert stock["unit"].serial_key == serial_key(stock["unit"].serial_number)


def test_a_write_hidden_in_a_with_is_checked_like_the_write_itself(session, stock):
    # The guard looks inside a SELECT for data-modifying WITH parts: they are refused before
    # any database sees them (SQLite could not even run them).
    moved = update(SerialUnit).where(SerialUnit.id == stock["unit"].id) \
        .values(location_id=stock["other"].id).returning(SerialUnit.id).cte("moved")
    with pytest.raises(Conflict, match="location"):
        session.execute(select(func.count()).select_from(moved))
    session.rollback()
    written = insert(SerialHistory).from_select(
        ["serial_unit_id", "transaction_type", "date", "status"],
        select(literal(stock["unit"].id), literal("created"), literal(date(2026, 1, 3)), literal("in_stock"))
    ).cte("written")
    with pytest.raises(Conflict, match="only by posting"):
        session.execute(select(literal(1)).add_cte(written))
    session.rollback()
    assert session.get(SerialUnit, stock["unit"].id).location_id == stock["location"].id
