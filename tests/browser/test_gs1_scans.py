"""A scanner's keystrokes for a GS1 DataMatrix (identifier, fields, GS, Enter) in the receipt's S/N field and the
warranty lookup: the unit is received under the serial of AI 21 with its lot, and found again by the same scan."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_help_page_story import new_line, serials_on_details
from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

GS = "\x1d"
DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+")


@pytest.fixture
def clerk(demo, make_user):
    make_user("clerk", "carla")


def scan(page, *pieces: str) -> None:
    """Type as a keyboard-wedge scanner does: the characters, GS as the FNC1 between fields, then Enter."""
    for piece in pieces:
        page.keyboard.type(piece)
    page.keyboard.press("Enter")


def test_a_scanned_datamatrix_is_received_with_its_lot_and_found_by_the_warranty_lookup(page, app, clerk, shot):
    from sos_serial.extensions import db
    from sos_serial.models import SerialUnit

    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 2, location_id="Main Warehouse",
                    vendor_id="Yerevan Clockworks")
    fields = line.locator("input.sn")
    fields.first.click()
    scan(page, "]d2010950600013435221ABC123", GS, "10LOT7")
    scan(page, "PLAIN-0001")
    # The server's reading of the scan is shown under its field.
    expect(line.locator(".sn-read")).to_have_text("Serial ABC123 · lot LOT7")
    expect(fields.first).not_to_have_class(re.compile("is-invalid"))
    expect(page).to_have_url(re.compile(r"/admin/item_receipts/new/$"))  # Enter never submitted
    shot(page, "receipt-scanned")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert sorted(serials_on_details(page)) == ["ABC123", "PLAIN-0001"]
    with app.app_context():
        unit = db.session.query(SerialUnit).filter_by(serial_number="ABC123").one()
        assert unit.lot == "LOT7"

    page.goto("/admin/warranty_lookup/")
    page.locator("#serial").click()
    scan(page, "]d2010950600013435221ABC123", GS, "10LOT7")
    card = page.locator(".warranty-card")
    expect(card).to_have_count(1)
    expect(card.locator(".serial")).to_have_text("ABC123")
    expect(card.locator(".lot")).to_have_text("LOT7")
    shot(page, "warranty-lookup-scanned")
