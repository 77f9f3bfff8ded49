"""Every kind of transaction saves from its own entry screen in the browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+$")
# path, header choices, lines as (item label, quantity, role)
SCREENS = [
    ("transfers", {"location_id": "Main Warehouse", "to_location_id": "Showroom"}, [("Clock Oil 10 ml", 2, None)]),
    ("adjustments", {"location_id": "Main Warehouse"}, [("Clock Oil 10 ml", -1, None)]),
    ("pick_tickets", {"customer_id": "Acme Clocks", "location_id": "Main Warehouse"}, [("Clock Oil 10 ml", 1, None)]),
    ("rentals", {"customer_id": "Acme Clocks", "location_id": "Main Warehouse"}, [("Clock Oil 10 ml", 1, None)]),
    ("rental_returns", {"customer_id": "Acme Clocks", "location_id": "Main Warehouse"},
     [("Clock Oil 10 ml", 1, None)]),
    ("returns", {"customer_id": "Acme Clocks", "location_id": "Showroom"}, [("Clock Oil 10 ml", 1, None)]),
    ("builds", {"location_id": "Main Warehouse"}, [("Clock Oil 10 ml", 2, "input"), ("Pendulum Spring", 1, "output")]),
    ("processes", {"location_id": "Main Warehouse"},
     [("Clock Oil 10 ml", 1, "input"), ("Pendulum Spring", 1, "output")]),
]


@pytest.fixture
def oil_in_stock(app, demo, make_user):
    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location

    make_user("clerk", "carla")
    with app.app_context():
        oil = db.session.query(Item).filter_by(name="Clock Oil 10 ml").one()
        warehouse = db.session.query(Location).filter_by(name="Main Warehouse").one()
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-01-05", "location_id": warehouse.id,
            "lines": [{"item_id": oil.id, "quantity": 20, "unit_cost": "4.25"}]}))


@pytest.mark.parametrize("path, header, lines", SCREENS, ids=[s[0] for s in SCREENS])
def test_each_transaction_screen_saves_a_document(page, oil_in_stock, shot, path, header, lines):
    sign_in(page, "carla", PASSWORD)
    page.goto(f"/admin/{path}/new/")
    for field, label in header.items():
        page.locator(f"#{field}").select_option(label=label)
    for index, (item, quantity, role) in enumerate(lines):
        if page.locator("tr.line").count() <= index:  # builds and processes start with two lines
            page.locator("#add-line").click()
        row = page.locator("tr.line").nth(index)
        row.locator(".line-item").select_option(label=item)
        row.locator(".line-quantity").fill(str(quantity))
        if role:
            row.locator(".line-role").select_option(role)
    shot(page, f"{path}-entry")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    expect(page.locator(".document-line")).to_have_count(len(lines))
    shot(page, f"{path}-saved")
