"""Signing in through the real login page, and creating a serial-tracked item through the menus."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .conftest import check_page

pytestmark = pytest.mark.browser

ITEMS_LIST = re.compile(r"/admin/items/(\?.*)?$")
LOGIN_PAGE = re.compile(r"/login(\?.*)?$")
ADMIN_HOME = re.compile(r"/admin/$")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_creates_serial_tracked_item(page, app, make_user, shot):
    from sos_serial.extensions import db
    from sos_serial.models import Item

    make_user("admin", "ada")

    page.goto("/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shot(page, "login-page")
    sign_in(page, "ada", PASSWORD)
    expect(page).to_have_url(ADMIN_HOME)
    expect(page.locator("#user-menu")).to_contain_text("ada")
    shot(page, "admin-home")

    # Operations > Items (under its Inventory heading): two levels, opened by a real click.
    navbar = page.locator("#admin-navbar-collapse")
    operations = navbar.locator("a.dropdown-toggle.nav-link", has_text="Operations")
    # The menus open by script: click only once the page's scripts have run.
    page.wait_for_load_state("load")
    operations.click()
    inventory = navbar.locator(".sos-group .dropdown-header", has_text="Inventory")
    expect(inventory).to_be_visible()
    shot(page, "menu-operations-open")
    items_link = navbar.locator("a.dropdown-item", has_text=re.compile(r"^\s*Items\s*$"))
    expect(items_link).to_be_visible()
    shot(page, "menu-inventory-open")
    items_link.click()
    expect(page).to_have_url(ITEMS_LIST)
    shot(page, "items-list-empty")

    page.get_by_role("link", name="Create", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/items/new/"))
    page.get_by_label("Name").fill("Armenian Mantel Clock")
    page.get_by_label("SKU").fill("CLK-ARM-001")
    track = page.get_by_label("Track serial numbers")
    track.check()
    expect(track).to_be_checked()
    shot(page, "item-form-filled")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(ITEMS_LIST)
    row = page.locator("table tbody tr", has_text="Armenian Mantel Clock")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("CLK-ARM-001")
    expect(page.locator(".alert-success")).to_contain_text("Item Armenian Mantel Clock saved.")
    shot(page, "items-list-with-clock")
    check_page(page)

    with app.app_context():
        item = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one()
        assert item.sku == "CLK-ARM-001"
        assert item.track_serials is True
        assert item.quantity_on_hand == 0
        db.session.remove()


def test_clerk_wrong_password_stays_on_login(page, make_user, shot):
    make_user("clerk", "carl")

    sign_in(page, "carl", PASSWORD + " typo")
    expect(page).to_have_url(LOGIN_PAGE)
    expect(page.get_by_role("alert")).to_have_text("That username and password do not match an active user.")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)
    shot(page, "wrong-password")

    # The account itself is fine: the right password signs the clerk in.
    sign_in(page, "carl", PASSWORD)
    expect(page).to_have_url(ADMIN_HOME)
    expect(page.locator("#user-menu")).to_contain_text("clerk")
    shot(page, "clerk-signed-in")
    check_page(page)
