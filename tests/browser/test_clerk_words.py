"""The clerk's first day, in the product's words: error pages in the layout, plan gating, historical units'
warranty, names that open the item, messages naming the record, the picker, the expiring report, the menu."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


def in_app(app, work):
    from sos_serial.extensions import db

    with app.app_context():
        try:
            return work(db)
        finally:
            db.session.remove()


def ids(app) -> dict:
    from sos_serial.models import Customer, Item, Location

    def read(db):
        found = {item.name: item.id for item in db.session.query(Item)}
        found.update({place.name: place.id for place in db.session.query(Location)})
        found.update({customer.name: customer.id for customer in db.session.query(Customer)})
        return found

    return in_app(app, read)


@pytest.fixture
def clerk(app, demo, make_user):
    make_user("clerk", "carla")
    make_user("admin", "ada")
    return ids(app)


def post_doc(app, **doc):
    from flask import current_app

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.limits import LIMITS_KEY
    from sos_serial.engine.posting import post_transaction

    def post(db):
        return post_transaction(db.session, read_document(doc), None, current_app.extensions[LIMITS_KEY]).number

    return in_app(app, post)


def test_forbidden_and_missing_pages_keep_the_menu_a_way_back_and_the_request_id(page, app, clerk, shot):
    receipt = post_doc(app, type="item_receipt", date="2026-01-05", location_id=clerk["Main Warehouse"],
                       lines=[{"item_id": clerk["Clock Oil 10 ml"], "quantity": 2}])
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/items/")
    with page.expect_response(re.compile(r"/admin/settings/$")) as answer:
        page.goto("/admin/settings/")
    request_id = answer.value.headers["x-request-id"]
    assert answer.value.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("#admin-navbar-collapse")).to_contain_text("Operations")
    expect(page.locator("[data-request-id]")).to_have_text(request_id)
    shot(page, "forbidden-in-the-layout")
    page.locator("[data-home]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/transactions/details/?id=987654")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("#user-menu")).to_contain_text("carla")
    shot(page, "missing-document-in-the-layout")

    receipt_id = in_app(app, lambda db: db.session.execute(
        db.text("select id from transactions where number = :n"), {"n": receipt}).scalar())
    page.goto(f"/admin/transactions/packing-list/?id={receipt_id}")
    expect(page.locator(".sos-error-page")).to_contain_text(f"{receipt} has no packing list")
    expect(page.locator("[data-request-id]")).not_to_be_empty()


def test_companion_is_refused_while_items_are_tracked_and_on_it_nothing_serial_works(page, app, clerk, shot):
    from sos_serial.models import Settings

    sign_in(page, "ada", PASSWORD)
    page.goto("/admin/settings/")
    page.locator("#plan").select_option(label="Companion")
    page.get_by_role("button", name="Save").click()
    alert = page.locator(".alert-danger")
    expect(alert).to_contain_text("The Companion plan has no serial tracking")
    expect(alert).to_contain_text("Armenian Mantel Clock")
    shot(page, "companion-refused")
    assert in_app(app, lambda db: Settings.current(db.session).plan) == "pro"

    def companion(db):
        Settings.current(db.session).plan = "companion"
        db.session.commit()

    in_app(app, companion)
    page.goto("/admin/serial_inventory/")
    expect(page.get_by_role("heading", name="Not on this plan")).to_be_visible()
    expect(page.locator(".sos-error-page")).to_contain_text("Companion plan")
    expect(page.locator("#admin-navbar-collapse a", has_text="Serial inventory")).to_have_count(0)
    shot(page, "serial-inventory-on-companion")

    page.goto("/admin/item_receipts/new/")
    page.locator("#location_id").select_option(label="Main Warehouse")
    line = page.locator("tr.line").first
    line.locator(".line-item").select_option(label="Armenian Mantel Clock (serial)")
    line.locator(".line-quantity").fill("1")
    line.locator("input.sn").first.fill("CMP-1")
    page.locator("#save").click()
    expect(page.locator(".alert-danger").first).to_contain_text("tracked by serial number, and nothing was posted")
    shot(page, "receipt-refused-on-companion")


def test_a_historical_unit_takes_its_warranty_end_from_its_item(page, app, clerk, shot):
    from sos_serial.models import SerialUnit

    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/serial_inventory/new/")
    # The lists are select2 boxes over the form's own selects; the form posts the selects.
    page.locator("#item").select_option(label="Armenian Mantel Clock", force=True)
    page.get_by_label("Serial number").fill("HIST-1")
    page.get_by_label("At a customer, as a historical unit").check()
    page.locator("#customer").select_option(label="Acme Clocks", force=True)
    page.get_by_label("Warranty start").fill("2026-03-31")
    shot(page, "historical-unit-with-a-start")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Serial HIST-1 of Armenian Mantel Clock saved.")
    unit = in_app(app, lambda db: db.session.query(SerialUnit).filter_by(serial_key="hist-1").one().warranty_end)
    assert unit == date(2027, 3, 31)  # the clock's 1 year parts and labor
    page.goto("/admin/warranty_lookup/?serial=HIST-1")
    expect(page.locator("body")).to_contain_text("2027-03-31")


def test_names_open_the_item_messages_name_it_and_booleans_read_yes_or_no(page, app, clerk, shot):
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/items/new/")
    page.get_by_label("Name").fill("Wall Barometer")
    page.get_by_label("SKU").fill("BAR-W-01")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".alert-success")).to_have_text(re.compile(r"^\W*Item Wall Barometer saved\.\s*$"))
    row = page.locator("table.model-list tbody tr", has_text="Wall Barometer")
    expect(row.locator("td.col-track_serials")).to_have_text("No")
    tracked = page.locator("table.model-list tbody tr", has_text="Armenian Mantel Clock")
    expect(tracked.locator("td.col-track_serials")).to_have_text("Yes")
    expect(page.locator(".x-editable, [data-role=x-editable]")).to_have_count(0)
    shot(page, "items-list-names-are-links")
    row.locator("td.col-sku a").click()
    expect(page).to_have_url(re.compile(r"/admin/items/edit/\?id=\d+"))
    expect(page.get_by_label("Name")).to_have_value("Wall Barometer")
    page.goto("/admin/items/")
    page.locator("table.model-list tbody tr", has_text="Wall Barometer").locator("td.col-name a").click()
    expect(page.get_by_label("SKU")).to_have_value("BAR-W-01")


def test_the_picker_closes_after_a_pick_and_refuses_more_than_the_quantity(page, app, clerk, shot):
    post_doc(app, type="item_receipt", date="2026-01-05", location_id=clerk["Main Warehouse"],
             lines=[{"item_id": clerk["Armenian Mantel Clock"], "quantity": 3, "serials": ["PK-1", "PK-2", "PK-3"]}])
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/shipments/new/")
    page.locator("#customer_id").select_option(label="Acme Clocks")
    page.locator("#location_id").select_option(label="Main Warehouse")
    line = page.locator("tr.line").first
    line.locator(".line-item").select_option(label="Armenian Mantel Clock (serial)")
    line.locator(".line-quantity").fill("1")
    search = line.locator(".picker-search")
    search.click()
    options = line.locator(".picker-option")
    expect(options).to_have_count(3)
    options.filter(has_text="PK-2").click()
    expect(line.locator(".picked-chip")).to_have_count(1)
    # Closed after the pick: nothing left open over the next line.
    expect(options).to_have_count(0)
    page.wait_for_timeout(400)
    expect(options).to_have_count(0)
    shot(page, "picker-closed-after-a-pick")
    # A second unit on a line of 1 is refused as it is picked.
    search.click()
    search.fill("PK")
    expect(line.locator(".serial-message")).to_contain_text("This line's quantity is 1 and 1 unit is picked")
    expect(options).to_have_count(0)
    search.press("Enter")
    search.fill("PK-3")
    search.press("Enter")
    expect(line.locator(".serial-message")).to_contain_text("quantity is 1")
    expect(line.locator(".picked-chip")).to_have_count(1)
    expect(line.locator(".pick-count")).to_have_text("1 of 1 picked")
    shot(page, "picker-refuses-a-second-unit")
    # Raising the quantity lets the clerk pick another.
    line.locator(".line-quantity").fill("2")
    search.click()
    search.fill("PK-3")
    options.filter(has_text="PK-3").click()
    expect(line.locator(".picked-chip")).to_have_count(2)


def test_warranties_expiring_opens_on_a_range_that_shows_something_and_refuses_bad_days(page, app, clerk, shot):
    today = date.today()
    post_doc(app, type="item_receipt", date=(today - timedelta(days=10)).isoformat(),
             location_id=clerk["Main Warehouse"],
             lines=[{"item_id": clerk["Armenian Mantel Clock"], "quantity": 1, "serials": ["EXP-1"]}])
    post_doc(app, type="shipment", date=(today - timedelta(days=5)).isoformat(), location_id=clerk["Main Warehouse"],
             customer_id=clerk["Acme Clocks"],
             lines=[{"item_id": clerk["Armenian Mantel Clock"], "quantity": 1, "serials": ["EXP-1"]}])
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/warranties_expiring/")
    expect(page.locator(".expiring-widened")).to_contain_text("No warranty ends within 30 days")
    expect(page.locator("td.serial")).to_have_text(["EXP-1"])
    expect(page.locator("#days")).to_have_value("365")
    shot(page, "expiring-opens-wider")
    page.goto("/admin/warranties_expiring/?days=10")
    expect(page.locator(".expiring-empty")).to_contain_text("The next one ends on")
    shot(page, "expiring-says-why-empty")
    with page.expect_response(re.compile(r"days=abc")) as answer:
        page.goto("/admin/warranties_expiring/?days=abc")
    assert answer.value.status == 400
    expect(page.locator(".expiring-refusal")).to_contain_text("must be a whole number")
    expect(page.locator("td.serial")).to_have_count(0)
    shot(page, "expiring-refuses-abc")


def test_menus_are_two_levels_and_open_on_hover(page, app, clerk, shot):
    sign_in(page, "carla", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.wait_for_load_state("load")
    navbar = page.locator("#admin-navbar-collapse")
    # No dropdown inside a dropdown.
    expect(navbar.locator(".dropdown-menu .dropdown-menu")).to_have_count(0)
    expect(navbar.locator(".dropdown-menu .dropdown-toggle")).to_have_count(0)
    navbar.locator("a.dropdown-toggle.nav-link", has_text="Operations").hover()
    group = navbar.locator(".sos-group", has=page.locator(".dropdown-header", has_text="Inventory"))
    expect(group).to_be_visible()
    shot(page, "menu-opened-by-hover")
    group.locator("a.dropdown-item", has_text=re.compile(r"^\s*Items\s*$")).click()
    expect(page).to_have_url(re.compile(r"/admin/items/$"))
    page.wait_for_load_state("load")  # the menu's script, not the browser, answers the click below
    # A click opens it too.
    page.mouse.move(1300, 700)
    navbar.locator("a.dropdown-toggle.nav-link", has_text="Operations").click()
    expect(navbar.locator("a.dropdown-item", has_text="Serial inventory")).to_be_visible()


def test_history_keeps_dates_and_numbers_on_one_line_and_inventory_splits_status_and_place(page, app, clerk, shot):
    post_doc(app, type="item_receipt", date="2026-01-05", location_id=clerk["Main Warehouse"],
             lines=[{"item_id": clerk["Armenian Mantel Clock"], "quantity": 2, "serials": ["SP-1", "SP-2"]}])
    post_doc(app, type="adjustment", date="2026-01-06", location_id=clerk["Main Warehouse"],
             lines=[{"item_id": clerk["Armenian Mantel Clock"], "quantity": -1, "serials": ["SP-2"]}])
    sign_in(page, "carla", PASSWORD)
    page.set_viewport_size({"width": 768, "height": 900})
    page.goto("/admin/serial_history/")
    for cell in (page.locator("td.col-date").first, page.locator("td.col-document").first):
        expect(cell).to_be_visible()
        assert cell.evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
        lines = cell.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c);"
                              " return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; }")
        assert lines == 1
    shot(page, "history-one-line-dates")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/serial_inventory/")
    adjusted = page.locator("table.model-list tbody tr", has_text="SP-2")
    expect(adjusted.locator("td.col-status")).to_have_text("Adjusted out")
    expect(adjusted.locator("td.col-place")).to_have_text("")
    in_stock = page.locator("table.model-list tbody tr", has_text="SP-1")
    expect(in_stock.locator("td.col-place")).to_have_text("Main Warehouse")
    expect(in_stock.locator("td.col-status")).to_have_text("In stock")
    shot(page, "inventory-status-and-place")
