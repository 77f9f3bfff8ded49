"""The receipt screen's Upload reads the files European spreadsheets save: semicolon-separated,
with the serial column named by its header, and tab-separated text."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_help_page_story import new_line, serials_on_details
from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+$")


@pytest.fixture
def clerk(demo, make_user):
    make_user("clerk", "carla")


def test_upload_fills_serials_from_semicolon_and_tab_separated_files(page, app, clerk, shot, tmp_path):
    sign_in(page, "carla", PASSWORD)
    semicolons = tmp_path / "europe.csv"
    semicolons.write_bytes("\ufeffBeschreibung;S/N;Preis\r\nNussbaum;EU-1;12,50\r\nEiche;EU-2;9,90\r\n"
                           "Kirsche;EU-3;14,00\r\n".encode("utf-8"))
    tabs = tmp_path / "copied.csv"
    tabs.write_text("TAB-1\twalnut\nTAB-2\toak\nTAB-3\tcherry\n", encoding="utf-8")

    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 3, location_id="Main Warehouse")
    line.locator(".line-upload").set_input_files(str(semicolons))
    expect(line.locator("input.sn").nth(2)).to_have_value("EU-3")
    expect(line.locator("input.sn").first).to_have_value("EU-1")
    shot(page, "receipt-csv-semicolons")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == ["EU-1", "EU-2", "EU-3"]

    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 3, location_id="Main Warehouse")
    line.locator(".line-upload").set_input_files(str(tabs))
    expect(line.locator("input.sn").nth(2)).to_have_value("TAB-3")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == ["TAB-1", "TAB-2", "TAB-3"]
