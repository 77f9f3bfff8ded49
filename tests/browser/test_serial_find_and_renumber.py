"""Finding units in Chromium: the Serial inventory's search by part of a serial or an item's name, the navigation
bar's box opening a unit by its serial, and a serial number corrected from the unit's page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support.web import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#user-menu")).to_contain_text(username)


@pytest.fixture
def clocks(app, demo):
    """Clocks A00-17 and XA00-2 at Main Warehouse, a Grandfather Clock GF-100 in the Showroom."""
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location, SerialUnit
    from tests.support.world import receive

    with app.app_context():
        item = {i.name: i.id for i in db.session.scalars(select(Item))}
        place = {p.name: p.id for p in db.session.scalars(select(Location))}
        receive(item["Armenian Mantel Clock"], ["A00-17", "XA00-2"], place["Main Warehouse"], date="2026-01-05")
        receive(item["Grandfather Clock"], ["GF-100"], place["Showroom"], date="2026-01-06")
        ids = {u.serial_number: u.id for u in db.session.scalars(select(SerialUnit))}
        db.session.remove()
    return ids


def listed_serials(page):
    return page.locator("table.model-list tbody td.col-serial_number")


def test_search_finds_part_of_a_serial_and_an_items_name(page, make_user, clocks, shot):
    make_user("clerk", "cleo")
    sign_in(page, "cleo")
    page.goto("/admin/serial_inventory/")
    search = page.get_by_placeholder("Serial, item, SKU, customer or location")
    search.fill("A00")
    search.press("Enter")
    expect(listed_serials(page)).to_have_count(2)
    expect(listed_serials(page)).to_contain_text(["A00-17", "XA00-2"], ignore_case=False)
    shot(page, "serial-inventory-search-a00")

    search = page.get_by_placeholder("Serial, item, SKU, customer or location")
    search.fill("Grandfather")
    search.press("Enter")
    expect(listed_serials(page)).to_have_count(1)
    expect(listed_serials(page)).to_have_text(["GF-100"])


def test_the_navigation_bar_box_opens_a_unit_by_its_serial(page, make_user, clocks, shot):
    make_user("support", "sam")
    sign_in(page, "sam")
    page.goto("/admin/items/")
    box = page.get_by_role("searchbox", name="Scan or type a serial")
    box.fill("xa00-2")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/admin/serial_inventory/edit/\?id={clocks['XA00-2']}"))
    expect(page.locator("[data-field=serial_number]")).to_have_text("XA00-2")
    shot(page, "navbar-box-opens-the-unit")

    box = page.get_by_role("searchbox", name="Scan or type a serial")
    box.fill("NO-SUCH-9")
    box.press("Enter")
    expect(page.locator(".alert")).to_contain_text("No serial unit matches")


def test_a_serial_number_corrected_from_the_unit_page(page, make_user, clocks, shot):
    make_user("clerk", "cleo")
    sign_in(page, "cleo")
    page.goto(f"/admin/serial_inventory/edit/?id={clocks['A00-17']}")
    page.get_by_role("link", name="Correct serial number").click()
    page.get_by_label("Corrected serial number").fill("A00-71")
    page.get_by_label("Why").fill("Digits swapped on the label")
    shot(page, "renumber-form")
    page.get_by_role("button", name="Correct serial number").click()
    expect(page.locator(".alert-success")).to_contain_text("Serial A00-17 of Armenian Mantel Clock is now A00-71.")
    expect(page.locator("[data-field=serial_number]")).to_have_text("A00-71")

    page.locator(".nav-tabs").get_by_role("link", name="Transaction history").click()
    row = page.locator("table.unit-history tbody tr").last
    expect(row.locator(".event")).to_have_text("Serial number corrected")
    expect(row).to_contain_text("Serial number: A00-17 → A00-71")
    expect(row).to_contain_text("Reason: Digits swapped on the label")
    expect(row.locator(".user")).to_have_text("cleo")
    shot(page, "renumber-history-row")
