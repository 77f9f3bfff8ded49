"""A count on a 768 px tablet with a hand scanner: keystrokes ending in Enter, the box keeping focus, live totals."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def dock(app, demo, make_user):
    """A shelf of its own, "Dock Shelf", holding DK-1..DK-5; DK-9 sits at Main Warehouse."""
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location
    from tests.support.world import receive

    make_user("clerk", "dora")
    with app.app_context():
        shelf = Location(name="Dock Shelf")
        db.session.add(shelf)
        db.session.commit()
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id
        main = db.session.query(Location).filter_by(name="Main Warehouse").one().id
        receive(clock, [f"DK-{n}" for n in range(1, 6)], shelf.id, unit_cost="100.00")
        receive(clock, ["DK-9"], main, unit_cost="100.00")
        db.session.remove()


def scan(page, serial: str) -> None:
    # A scanner types fast and ends with Enter; no click in between.
    page.keyboard.type(serial, delay=5)
    page.keyboard.press("Enter")


def test_a_clerk_counts_a_shelf_with_a_scanner_and_closes_it(page, app, dock, shot):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "dora", PASSWORD)
    page.goto("/admin/stock_counts/")
    page.locator("#location_id").select_option(label="Dock Shelf")
    page.locator("#start-count").click()
    expect(page).to_have_url(re.compile(r"/admin/stock_counts/count/\?id=\d+$"))
    box = page.locator("#scan-box")
    expect(box).to_be_focused()
    expect(page.locator("[data-total='expected']").first).to_have_text("5")

    for serial in ("DK-1", "dk-2", "DK-3", "DK-9", "NEW-77", "DK-1"):
        scan(page, serial)
    log = page.locator("#scan-log li")
    expect(log).to_have_count(6)
    expect(page.locator("#scan-log li[data-serial='DK-9']")).to_have_attribute("data-result", "elsewhere")
    expect(page.locator("#scan-log li[data-serial='DK-9']")).to_contain_text("in stock at Main Warehouse")
    expect(page.locator("#scan-log li[data-serial='NEW-77']")).to_have_attribute("data-result", "unknown")
    expect(page.locator("#scan-result")).to_have_attribute("data-result", "already_scanned")
    expect(page.locator("[data-total='counted']").first).to_have_text("3")
    expect(page.locator("[data-total='missing']").first).to_have_text("2")
    expect(page.locator("[data-total='found_elsewhere']").first).to_have_text("1")
    expect(page.locator("[data-total='unknown']").first).to_have_text("1")
    # The missing list on screen follows the scans without a reload.
    expect(page.locator("#count-list-rows td.serial")).to_have_text(["DK-4", "DK-5"])
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    # A tap on the page's background brings the next scan back to the box.
    page.locator("h4").first.click()
    expect(box).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    shot(page, "count-scanned-at-768")

    page.locator("#unknown_item_id").select_option(label="Armenian Mantel Clock")
    page.locator("#close-count").click()
    # The confirmation is required: the browser holds the form until it is ticked.
    expect(page).to_have_url(re.compile(r"/admin/stock_counts/count/\?id=\d+$"))
    page.locator("#confirm-close").check()
    page.locator("#close-count").click()
    expect(page.locator(".alert-success")).to_contain_text("closed. Posted")
    expect(page.locator(".count-status")).to_have_text("Closed")
    expect(page.locator(".count-documents li")).to_have_count(3)
    expect(page.locator("[data-total='missing']").first).to_have_text("0")
    expect(page.locator("[data-total='counted']").first).to_have_text("5")
    shot(page, "count-closed")


def test_the_scan_box_opens_only_once_its_script_hears_enter(page, app, dock):
    # A scan typed before the page's script ran would run into the next one as one serial: the box is served
    # disabled and opened by the script. The script is held back here to look at the page before it runs.
    sign_in(page, "dora", PASSWORD)
    page.goto("/admin/stock_counts/")
    page.locator("#location_id").select_option(label="Dock Shelf")
    held = []
    page.route("**/stock_count.js", lambda route: held.append(route))
    page.locator("#start-count").click()
    box = page.locator("#scan-box")
    expect(box).to_be_disabled()
    page.keyboard.type("DK-1", delay=5)
    page.keyboard.press("Enter")
    expect(box).to_have_value("")
    page.wait_for_timeout(200)
    assert held, "the page asked for its script"
    held[0].continue_()
    expect(box).to_be_enabled()
    expect(box).to_be_focused()
    page.keyboard.type("DK-2", delay=5)
    page.keyboard.press("Enter")
    expect(page.locator("#scan-log li")).to_have_count(1)
    expect(page.locator("[data-total='counted']").first).to_have_text("1")
