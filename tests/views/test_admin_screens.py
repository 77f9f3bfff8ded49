"""The admin screens: CRUD for master data and settings, refusals shown as clerk-readable messages."""
from decimal import Decimal

import pytest

from sos_serial.database.guard import posting_scope
from sos_serial.extensions import db
from sos_serial.models import Item, Location, Settings, Warranty
from tests.support.web import csrf_token_from, read_version_from

RAW_DATABASE_TEXT = ("IntegrityError", "sqlite3.", "psycopg", "UNIQUE constraint", "duplicate key", "Traceback")


def post_form(client, url, data):
    page = client.get(url).text
    return client.post(url, data=dict(read_version_from(page), **data, csrf_token=csrf_token_from(page)), follow_redirects=True)


def assert_no_raw_database_text(html):
    for text in RAW_DATABASE_TEXT:
        assert text not in html


def test_create_an_item_on_the_item_form(app, login):
    client = login("clerk")
    response = post_form(client, "/admin/items/new/", {
        "name": "Armenian Mantel Clock", "sku": "CLK-ARM-01", "track_serials": "y", "cost": "149.99"})
    assert response.status_code == 200
    assert "Item Armenian Mantel Clock saved." in response.text
    with app.app_context():
        item = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one()
        assert item.track_serials and item.cost == Decimal("149.99") and item.quantity_on_hand == 0


def test_duplicate_item_name_is_explained_and_the_form_keeps_the_input(login):
    client = login("clerk")
    post_form(client, "/admin/items/new/", {"name": "Cuckoo Clock"})
    response = post_form(client, "/admin/items/new/", {"name": "Cuckoo Clock", "sku": "CK-2"})
    assert "Already exists." in response.text
    assert 'value="CK-2"' in response.text
    assert_no_raw_database_text(response.text)


def test_negative_cost_is_refused_on_the_form(app, login):
    client = login("clerk")
    response = post_form(client, "/admin/items/new/", {"name": "Bad Cost", "cost": "-5"})
    assert "A cost cannot be negative." in response.text
    with app.app_context():
        assert db.session.query(Item).filter_by(name="Bad Cost").count() == 0


def test_item_form_offers_no_quantity_or_value_fields(login):
    html = login("clerk").get("/admin/items/new/").text
    assert 'name="track_serials"' in html and "Track serial numbers" in html
    assert 'name="quantity_on_hand"' not in html and 'name="value"' not in html


def test_turning_on_tracking_with_stock_on_hand_is_refused_with_what_to_do(app, login):
    client = login("clerk")
    with app.app_context():
        oil = Item(name="Clock Oil 10 ml")
        db.session.add(oil)
        db.session.flush()
        with posting_scope(db.session):
            oil.quantity_on_hand, oil.value = 3, Decimal("12.75")
            db.session.commit()
        oil_id = oil.id
    response = post_form(client, f"/admin/items/edit/?id={oil_id}", {"name": "Clock Oil 10 ml", "track_serials": "y"})
    assert "still has 3 on hand worth 12.75" in response.text
    assert_no_raw_database_text(response.text)
    with app.app_context():
        assert db.session.get(Item, oil_id).track_serials is False


def test_turning_on_tracking_under_companion_plan_is_refused(app, login):
    client = login("admin")
    with app.app_context():
        Settings.current(db.session).plan = "companion"
        db.session.commit()
    response = post_form(client, "/admin/items/new/", {"name": "Grandfather Clock", "track_serials": "y"})
    assert "needs the Plus or Pro plan" in response.text
    with app.app_context():
        assert db.session.query(Item).filter_by(name="Grandfather Clock").count() == 0


def test_the_lists_offer_no_inline_edit_so_every_change_goes_through_the_versioned_form(app, login):
    # A one-cell edit on a list would send no version (a change made meanwhile would be lost) and could
    # reach columns the form keeps out: names and SKUs are changed on the record's own form.
    client = login("clerk")
    post_form(client, "/admin/items/new/", {"name": "Pendulum Spring"})
    with app.app_context():
        item_id = db.session.query(Item.id).filter_by(name="Pendulum Spring").scalar()
    listing = client.get("/admin/items/").text
    assert "x-editable" not in listing and 'data-role="x-editable"' not in listing
    token = csrf_token_from(listing)
    for data in ({"quantity_on_hand": "50"}, {"name": "Pendulum Spring 2"}):
        answer = client.post("/admin/items/ajax/update/", data={"list_form_pk": item_id, "csrf_token": token, **data})
        assert answer.status_code == 404
    for screen in ("locations", "customers", "vendors"):
        assert client.post(f"/admin/{screen}/ajax/update/", data={"list_form_pk": 1, "name": "X",
                                                                   "csrf_token": token}).status_code == 404
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item.quantity_on_hand == 0 and item.name == "Pendulum Spring"


def test_items_list_shows_quantity_on_hand_and_value(app, login, demo):
    # Support sees no values: tests/views/test_support_role_screens.py.
    html = login("clerk").get("/admin/items/").text
    assert "On hand" in html and "Value" in html and "Armenian Mantel Clock" in html


def test_location_crud_and_delete_of_a_used_record_is_explained(app, login, demo):
    client = login("clerk")
    response = post_form(client, "/admin/locations/new/", {"name": "Back Room"})
    assert "Location Back Room saved." in response.text
    with app.app_context():
        back_room = db.session.query(Location).filter_by(name="Back Room").one()
        assert back_room.id
    duplicate = post_form(client, "/admin/locations/new/", {"name": "Back Room"})
    assert "Already exists." in duplicate.text


def test_warranty_definition_by_admin(app, login):
    client = login("admin")
    response = post_form(client, "/admin/warranties/new/", {"name": "5 year frame", "duration": "5", "unit": "years"})
    assert "Warranty 5 year frame saved." in response.text
    refused = post_form(client, "/admin/warranties/new/", {"name": "Zero", "duration": "0", "unit": "days"})
    assert "The duration must be at least 1." in refused.text
    with app.app_context():
        assert [w.name for w in db.session.query(Warranty)] == ["5 year frame"]


def test_settings_screen_shows_the_four_groups_and_saves(app, login):
    client = login("admin")
    html = client.get("/admin/settings/").text
    for group in ("Plan", "Inventory settings", "Purchasing settings", "Sales settings"):
        assert group in html
    response = post_form(client, "/admin/settings/", {
        "plan": "plus", "value_serials_by_specific_id": "y", "valuation_method": "average",
        "auto_serial_enabled": "y", "auto_serial_prefix": "CLK-", "auto_serial_length": "5",
        "auto_serial_mode": "sequential", "auto_serial_next_number": "100"})
    assert "Settings saved." in response.text
    with app.app_context():
        settings = Settings.current(db.session)
        assert (settings.plan, settings.valuation_method, settings.auto_serial_prefix) == ("plus", "average", "CLK-")
        assert settings.auto_serial_length == 5 and settings.show_warranty_on_serial_units is False


@pytest.mark.parametrize("field, value, message", [
    ("auto_serial_length", "0", "between 1 and 18 digits"),
    ("auto_serial_length", "40", "between 1 and 18 digits"),
    ("auto_serial_next_number", "-3", "cannot be negative"),
])
def test_settings_screen_refuses_bad_values_and_saves_nothing(app, login, field, value, message):
    client = login("admin")
    data = {"plan": "pro", "valuation_method": "fifo", "auto_serial_prefix": "", "auto_serial_length": "6",
            "auto_serial_mode": "random", "auto_serial_next_number": "1"}
    data[field] = value
    response = post_form(client, "/admin/settings/", data)
    assert message in response.text
    with app.app_context():
        assert Settings.current(db.session).auto_serial_mode == "sequential"


def test_menu_has_the_places_for_the_whole_module(login):
    html = login("admin").get("/admin/").text
    for label in ("Operations", "Inventory", "Items", "Serial inventory", "Reports", "Serial unit history",
                  "Settings", "Quick add"):
        assert label in html


def test_the_item_form_sets_the_items_own_numbering(app, login):
    client = login("clerk")
    html = client.get("/admin/items/new/").text
    assert "Own serial number prefix" in html and 'name="auto_serial_next_number"' in html
    response = post_form(client, "/admin/items/new/", {
        "name": "Cuckoo Clock", "track_serials": "y", "auto_serial_prefix": " CK- ", "auto_serial_length": "4",
        "auto_serial_next_number": "12"})
    assert "Item Cuckoo Clock saved." in response.text
    post_form(client, "/admin/items/new/", {"name": "Pendulum", "auto_serial_prefix": "  "})
    with app.app_context():
        cuckoo = db.session.query(Item).filter_by(name="Cuckoo Clock").one()
        assert (cuckoo.auto_serial_prefix, cuckoo.auto_serial_length, cuckoo.auto_serial_next_number) == ("CK-", 4, 12)
        pendulum = db.session.query(Item).filter_by(name="Pendulum").one()
        assert (pendulum.auto_serial_prefix, pendulum.auto_serial_length) == (None, None)


@pytest.mark.parametrize("field, value, message", [
    ("auto_serial_length", "19", "between 1 and 18 digits"),
    ("auto_serial_next_number", "-1", "cannot be negative"),
    ("auto_serial_prefix", "P" * 33, "at most 32 characters"),
])
def test_the_item_form_refuses_bad_numbering_and_saves_nothing(app, login, field, value, message):
    response = post_form(login("clerk"), "/admin/items/new/", {"name": "Bad Numbering", field: value})
    assert message in response.text
    with app.app_context():
        assert db.session.query(Item).filter_by(name="Bad Numbering").count() == 0
