"""The Serial inventory list in Chromium: warranty columns turned on with the column chooser and
remembered, a unit's Transaction history, and an edit that cannot move the unit."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.web import PASSWORD

from .conftest import check_page

pytestmark = pytest.mark.browser

SERIAL_INVENTORY = re.compile(r"/admin/serial_inventory/(\?.*)?$")


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#user-menu")).to_contain_text(username)


@pytest.fixture
def shipped_clock(app, demo):
    """CLK-001 and CLK-002 received at Main Warehouse; CLK-002 shipped to Acme Clocks with a warranty."""
    from sos_serial.engine.serial_unit_edits import edit_serial_unit
    from sos_serial.extensions import db
    from sos_serial.models import Customer, Item, Location, SerialUnit
    from tests.support.world import receive, ship

    with app.app_context():
        clock = db.session.scalar(select(Item.id).where(Item.name == "Armenian Mantel Clock"))
        main = db.session.scalar(select(Location.id).where(Location.name == "Main Warehouse"))
        acme = db.session.scalar(select(Customer.id).where(Customer.name == "Acme Clocks"))
        receive(clock, ["CLK-001", "CLK-002"], main, date="2026-01-05")
        shipment = ship(clock, ["CLK-002"], main, acme, date="2026-02-01")
        unit_id = db.session.scalar(select(SerialUnit.id).where(SerialUnit.serial_number == "CLK-002"))
        edit_serial_unit(db.session, unit_id, {"warranty_start": date(2026, 2, 1), "warranty_end": date(2027, 1, 31)})
        facts = {"unit_id": unit_id, "main": main, "acme": acme, "shipment": shipment.number}
        db.session.remove()
    return facts


def test_warranty_columns_history_and_an_edit_that_cannot_move_the_unit(page, app, make_user, shipped_clock, shot):
    from sos_serial.extensions import db
    from sos_serial.models import SerialHistory, SerialUnit

    make_user("clerk", "cleo")
    sign_in(page, "cleo")

    # Operations > Serial inventory (under its Inventory heading).
    navbar = page.locator("#admin-navbar-collapse")
    page.wait_for_load_state("load")  # the menus open by script
    navbar.locator("a.dropdown-toggle.nav-link", has_text="Operations").click()
    expect(navbar.locator(".sos-group .dropdown-header", has_text="Inventory")).to_be_visible()
    navbar.locator("a.dropdown-item", has_text=re.compile(r"^\s*Serial inventory\s*$")).click()
    expect(page).to_have_url(SERIAL_INVENTORY)
    headers = page.locator("table.model-list thead th")
    expect(headers.filter(has_text="Location / customer")).to_have_count(1)
    expect(headers.filter(has_text="Warranty end")).to_have_count(0)
    shot(page, "serial-inventory-default-columns")

    # The column chooser: tick the three warranty columns and apply.
    # Bootstrap opens the menu once its script has loaded, at the end of the page.
    page.wait_for_load_state("load")
    page.locator("#column-chooser-toggle").click()
    chooser = page.locator(".column-chooser .dropdown-menu")
    expect(chooser).to_be_visible()
    for label in ("Warranty type", "Warranty start", "Warranty end"):
        chooser.get_by_label(label, exact=True).check()
    expect(chooser).to_be_visible()  # ticking boxes does not close it
    expect(chooser.get_by_label("Serial number", exact=True)).to_be_disabled()
    shot(page, "column-chooser-warranty-ticked")
    chooser.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(SERIAL_INVENTORY)
    for title in ("Warranty type", "Warranty start", "Warranty end"):
        expect(headers.filter(has_text=title)).to_have_count(1)
    row = page.locator("table.model-list tbody tr", has_text="CLK-002")
    expect(row).to_contain_text("Acme Clocks")
    expect(row).to_contain_text("1 year parts and labor")
    expect(row).to_contain_text("2027-01-31")
    shot(page, "serial-inventory-warranty-columns-on")

    # Remembered: a reload, and a fresh visit, still show them.
    page.reload()
    expect(headers.filter(has_text="Warranty end")).to_have_count(1)
    page.goto("/admin/")
    page.goto("/admin/serial_inventory/")
    expect(headers.filter(has_text="Warranty start")).to_have_count(1)
    shot(page, "serial-inventory-after-reload")

    # The unit's Transaction history from its row's actions.
    row.get_by_role("link", name="Transaction history").click()
    expect(page).to_have_url(re.compile(rf"/admin/serial_inventory/history/\?id={shipped_clock['unit_id']}$"))
    expect(page.get_by_role("heading", name=re.compile("Transaction history of CLK-002"))).to_be_visible()
    events = page.locator("table.unit-history tbody tr")
    expect(events).to_have_count(3)
    expect(events.nth(0)).to_contain_text("Item receipt")
    expect(events.nth(1)).to_contain_text("Shipment")
    expect(events.nth(1)).to_contain_text(shipped_clock["shipment"])
    expect(events.nth(1)).to_contain_text("Acme Clocks")
    expect(events.nth(2)).to_contain_text("Edited")
    expect(events.nth(2)).to_contain_text("Warranty end")
    shot(page, "transaction-history")

    # Editing offers warranty dates and notes only; location is shown read-only, with the reason.
    page.locator(".nav-tabs").get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/serial_inventory/edit/\?id="))
    form = page.locator("form.admin-form")
    expect(form.locator("[name=location_id], [name=location], [name=customer_id], [name=customer]")).to_have_count(0)
    expect(form.locator("select")).to_have_count(0)
    expect(page.locator("[data-field=place]")).to_have_text("Acme Clocks")
    expect(page.get_by_role("note")).to_contain_text("change only by posting transactions")
    expect(form.get_by_label("Warranty end")).to_have_value("2027-01-31")
    shot(page, "edit-offers-warranty-and-notes-only")

    # Try anyway: slip a location into the form and save. The server refuses it.
    page.evaluate(f"""() => {{
        const input = document.createElement('input');
        input.type = 'hidden'; input.name = 'location_id'; input.value = '{shipped_clock["main"]}';
        document.querySelector('form.admin-form').appendChild(input);
    }}""")
    form.get_by_label("Notes").fill("Moved back to the warehouse?")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-danger").first).to_contain_text(
        "The location of a serial unit can only be changed by posting a transaction")
    expect(page.locator("[data-field=place]")).to_have_text("Acme Clocks")
    shot(page, "location-change-refused")
    check_page(page)

    with app.app_context():
        unit = db.session.get(SerialUnit, shipped_clock["unit_id"])
        assert (unit.status, unit.customer_id, unit.location_id, unit.notes) == (
            "shipped", shipped_clock["acme"], None, None)
        kinds = db.session.scalars(select(SerialHistory.transaction_type).where(
            SerialHistory.serial_unit_id == unit.id).order_by(SerialHistory.id)).all()
        assert kinds == ["item_receipt", "shipment", "edit"]
        db.session.remove()
