"""The Auto serial/lot numbers box appears on a receipt line only where the posting can number its item."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def company(app, demo, make_user):
    """Automatic numbering off for the company; the Grandfather Clock numbers itself with GF-."""
    from sos_serial.extensions import db
    from sos_serial.models import Item, Settings

    make_user("clerk", "carla")
    with app.app_context():
        Settings.current(db.session).auto_serial_enabled = False
        db.session.query(Item).filter_by(name="Grandfather Clock").one().auto_serial_prefix = "GF-"
        db.session.commit()


def test_the_auto_box_follows_the_lines_item(page, app, company, shot):
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/item_receipts/new/")
    page.locator("#location_id").select_option(label="Main Warehouse")
    line = page.locator("tr.line").first
    auto = line.get_by_label("Auto serial/lot numbers")
    line.locator(".line-item").select_option(label="Armenian Mantel Clock (serial)")
    line.locator(".line-quantity").fill("2")
    expect(line.locator("input.sn")).to_have_count(2)
    expect(auto).to_be_hidden()
    line.locator(".line-item").select_option(label="Grandfather Clock (serial)")
    expect(auto).to_be_visible()
    auto.check()
    expect(line.locator("input.sn")).to_have_count(0)
    shot(page, "auto-offered-for-own-numbering")
    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/admin/transactions/details/\?id=\d+$"))
    expect(page.locator(".line-serials .serial")).to_have_text(["GF-000001", "GF-000002"])
