"""The screens under the Content-Security-Policy: every main screen loads with nothing refused, and
Flask-Admin's click handlers (a filter entry, a delete's confirmation, a list action) still work.

The page guard of conftest.py fails any browser test whose page meets a policy violation; this walk
makes sure the main screens are all met at least once, with the policy checked on each answer."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .conftest import check_page
from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def company(app, make_user):
    """The demo company with its opening stock and shipments, an unused location, and an administrator."""
    from sos_serial.extensions import db
    from sos_serial.fixtures import load_demo_data
    from sos_serial.models import Item, Location, Transaction

    make_user("admin", "ada")
    with app.app_context():
        load_demo_data(db.session)
        db.session.add_all([Location(name="Spare shelf"), Location(name="Old annex")])
        db.session.commit()
        shipment = db.session.query(Transaction).filter_by(type="shipment").order_by(Transaction.id).first().id
        item = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id
        db.session.remove()
    return {"shipment": shipment, "item": item}


def location_names(app) -> set[str]:
    from sos_serial.extensions import db
    from sos_serial.models import Location

    with app.app_context():
        try:
            return {location.name for location in db.session.query(Location)}
        finally:
            db.session.remove()


def test_the_main_screens_load_with_nothing_refused(page, company):
    sign_in(page, "ada", PASSWORD)
    screens = [
        "/admin/", "/admin/serial_inventory/", "/admin/item_receipts/new/", "/admin/shipments/new/",
        "/admin/items/", f"/admin/items/edit/?id={company['item']}", "/admin/settings/",
        f"/admin/transactions/details/?id={company['shipment']}",
        f"/admin/transactions/packing-list/?id={company['shipment']}",
        "/admin/serial_history/", "/admin/warranties_expiring/", "/admin/warranty_lookup/?serial=CLK-0003",
        "/admin/locations/", "/admin/customers/", "/admin/vendors/",
        "/admin/webhooks/", "/admin/webhooks/new/", "/admin/event_deliveries/", "/admin/plugins/",
    ]
    for screen in screens:
        answer = page.goto(screen)
        assert answer.status == 200, screen
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(
            ";")[0], policy
        check_page(page)


def test_the_item_receipts_picker_and_csv_check_run_under_the_policy(page, company):
    sign_in(page, "ada", PASSWORD)
    page.goto("/admin/item_receipts/new/")
    # The form's script is running: adding a line is its doing.
    lines = page.locator("#lines > tr")
    before = lines.count()
    page.get_by_role("button", name="Add line").click()
    expect(lines).to_have_count(before + 1)
    check_page(page)


def test_a_filter_entry_adds_a_filter_without_leaving_the_page(page, company):
    sign_in(page, "ada", PASSWORD)
    page.goto("/admin/items/")
    page.get_by_role("link", name="Add Filter").click()
    page.locator("a.dropdown-item.filter", has_text="Serial tracked").click()
    expect(page.locator("#filter_form .filter-op, #filter_form select")).not_to_have_count(0)
    assert page.url.endswith("/admin/items/")  # the entry's "return false" still keeps the page
    check_page(page)


def test_a_delete_asks_first_and_a_list_action_runs(page, app, company):
    sign_in(page, "ada", PASSWORD)
    page.goto("/admin/locations/")
    row = page.locator("tr", has_text="Spare shelf")

    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("form button[title='Delete Record']").click()
    page.wait_for_load_state()
    assert "Spare shelf" in location_names(app)  # the clerk said no: nothing deleted

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("form button[title='Delete Record']").click()
    expect(page.locator("tr", has_text="Spare shelf")).to_have_count(0)
    assert "Spare shelf" not in location_names(app)
    # The list came back from the delete; its rows show before its scripts have run, and a click on "With
    # selected" before the dropdown's script is ready opens nothing.
    page.wait_for_load_state("load")

    # A list action: the row chosen, then With selected > Delete, confirmed.
    page.locator("tr", has_text="Old annex").locator("input.action-checkbox").check()
    page.get_by_role("button", name="With selected").or_(page.get_by_role("link", name="With selected")).click()
    page.once("dialog", lambda dialog: dialog.accept())
    delete = page.locator(".dropdown-menu a.dropdown-item", has_text="Delete")
    expect(delete).to_be_visible()
    delete.click()
    expect(page.locator("tr", has_text="Old annex")).to_have_count(0)
    assert "Old annex" not in location_names(app)
    check_page(page)


def test_no_page_of_the_app_shows_inside_a_frame(page, company, base_url):
    sign_in(page, "ada", PASSWORD)
    # A page of the same site that frames the Settings form, as a click-jacking page would.
    page.route(f"{base_url}/framing-page", lambda route: route.fulfill(
        content_type="text/html", body='<iframe id="framed" src="/admin/settings/"></iframe>'))
    page.goto("/framing-page")
    page.wait_for_timeout(500)
    framed = page.frame_locator("#framed")
    expect(framed.get_by_role("button", name="Save settings")).to_have_count(0)
    # The browser's refusal ("frame-ancestors 'none'") is the expected outcome here, not a fault.
    page.guard.problems.clear()
