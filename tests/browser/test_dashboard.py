"""The home page in Chromium: the chart of stock by location is drawn, and a tablet needs no sideways scroll."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_company(app, make_user):
    from sos_serial.extensions import db
    from sos_serial.fixtures import load_demo_data

    make_user("clerk", "carla")
    with app.app_context():
        load_demo_data(db.session)
        db.session.remove()


def test_the_home_page_draws_stock_by_location_and_links_to_the_last_document(page, demo_company, shot):
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/")
    page.wait_for_load_state("load")
    expect(page.locator("#stock-by-location")).to_have_attribute("data-drawn", "yes")
    shot(page, "dashboard")
    newest = page.locator('[data-table="last-documents"] a').first
    number = newest.inner_text()
    newest.click()
    expect(page.locator("body")).to_contain_text(number)


def test_the_home_page_fits_a_tablet_without_sideways_scrolling(page, demo_company, shot):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/")
    page.wait_for_load_state("load")
    expect(page.locator("#stock-by-location")).to_have_attribute("data-drawn", "yes")
    shot(page, "dashboard-768")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home page is {overflow}px wider than a 768px tablet"
