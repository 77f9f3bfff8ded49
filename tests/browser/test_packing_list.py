"""The packing list in the browser: warranty lines follow the sales setting, switched on the Settings screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shipped(app, make_user):
    """The demo company with its opening stock and shipments, and an administrator."""
    from sos_serial.extensions import db
    from sos_serial.fixtures import load_demo_data
    from sos_serial.models import Transaction

    make_user("admin", "ada")
    with app.app_context():
        load_demo_data(db.session)
        document = db.session.query(Transaction).filter_by(type="shipment").order_by(Transaction.id).first()
        return document.id


def test_packing_list_shows_warranties_only_with_the_sales_setting(page, shipped, artifacts_dir):
    sign_in(page, "ada", PASSWORD)
    page.goto(f"/admin/transactions/details/?id={shipped}")
    with page.expect_popup() as popup:
        page.locator("#packing-list").click()
    packing = popup.value
    expect(packing.locator("td.serial")).to_have_text(["CLK-0003"])
    expect(packing.locator("td.warranty-name")).to_have_text(["1 year parts and labor"])
    expect(packing.locator("td.warranty-start")).to_have_text(["2026-02-10"])
    expect(packing.locator("td.warranty-end")).to_have_text(["2027-02-10"])
    packing.screenshot(path=str(artifacts_dir / "01-packing-list-with-warranty.png"), full_page=True)

    page.goto("/admin/settings/")
    page.get_by_label("Show warranty on serial units").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".alert-success")).to_contain_text("Settings saved.")

    packing.reload()
    expect(packing.locator("td.serial")).to_have_text(["CLK-0003"])
    expect(packing.locator("th", has_text="Warranty")).to_have_count(0)
    expect(packing.locator("td.warranty-name")).to_have_count(0)
    packing.screenshot(path=str(artifacts_dir / "02-packing-list-without-warranty.png"), full_page=True)
