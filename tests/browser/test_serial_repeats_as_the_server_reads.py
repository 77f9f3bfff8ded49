"""The receipt screen flags a serial entered twice as the server compares serials (case-folded),
and the Upload button shows the file as the server reads it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_help_page_story import new_line
from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def clerk(demo, make_user):
    make_user("clerk", "carla")


def test_a_folded_repeat_is_flagged_and_a_changed_one_is_cleared(page, clerk):
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 3, location_id="Main Warehouse")
    fields = line.locator("input.sn")
    fields.nth(0).fill("STRASSE-1")
    fields.nth(1).fill("straße-1")  # lower-casing keeps "ß"; the server folds it to "ss"
    fields.nth(2).fill("OTHER-1")
    expect(fields.nth(1)).to_have_class(re.compile("is-invalid"))
    expect(fields.nth(0)).to_have_class(re.compile("is-invalid"))
    expect(fields.nth(2)).not_to_have_class(re.compile("is-invalid"))
    fields.nth(1).fill("STRASSE-2")
    expect(fields.nth(0)).not_to_have_class(re.compile("is-invalid"))
    expect(fields.nth(1)).not_to_have_class(re.compile("is-invalid"))


def test_an_unreadable_upload_shows_the_server_s_message(page, clerk, tmp_path):
    sign_in(page, "carla", PASSWORD)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Caf\xe9-1\nCaf\xe9-2\n".encode("latin-1"))
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 2, location_id="Main Warehouse")
    line.locator(".line-upload").set_input_files(str(latin))
    expect(line.locator(".serial-message")).to_contain_text("latin.csv is not UTF-8 or UTF-16 text")
    expect(line.locator("input.sn").first).to_have_value("")
