"""A clerk corrects a saved receipt: a mistyped serial, amended in the browser; the unit's history shows both."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+$")


@pytest.fixture
def clerk(app, demo, make_user):
    make_user("clerk", "carla")


def serials_on_details(page) -> list[str]:
    return [s.strip() for s in page.locator(".line-serials .serial").all_inner_texts()]


def test_a_mistyped_serial_is_amended_and_the_history_shows_both(page, app, clerk, shot):
    from sos_serial.extensions import db
    from sos_serial.models import SerialUnit

    sign_in(page, "carla", PASSWORD)
    page.goto("/admin/item_receipts/new/")
    page.locator("#location_id").select_option(label="Main Warehouse")
    line = page.locator("tr.line").first
    line.locator(".line-item").select_option(label="Armenian Mantel Clock (serial)")
    line.locator(".line-quantity").fill("2")
    fields = line.locator("input.sn")
    expect(fields).to_have_count(2)
    fields.nth(0).fill("VOID-TEST-1")
    fields.nth(1).fill("VOID-TSET-2")  # the typo
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == ["VOID-TEST-1", "VOID-TSET-2"]
    receipt_url = page.url

    # Amend: the reason asked, the receipt voided, and a copy opened with the same header, lines and serials.
    page.locator("#void-open").click()
    page.locator("#void-reason").fill("Serial VOID-TSET-2 mistyped")
    shot(page, "void-reason")
    page.locator("#amend-submit").click()
    expect(page).to_have_url(re.compile(r"/admin/item_receipts/new/\?amend=\d+$"))
    expect(page.locator(".alert")).to_contain_text("voided")
    line = page.locator("tr.line").first
    fields = line.locator("input.sn")
    expect(fields).to_have_count(2)
    expect(fields.nth(1)).to_have_value("VOID-TSET-2")
    expect(page.locator("#location_id option:checked")).to_have_text("Main Warehouse")
    fields.nth(1).fill("VOID-TEST-2")
    shot(page, "amended-copy")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == ["VOID-TEST-1", "VOID-TEST-2"]

    # The voided receipt stays listed, marked; its page says who voided it and why.
    page.goto(receipt_url)
    expect(page.locator(".document-void")).to_contain_text("Serial VOID-TSET-2 mistyped")
    expect(page.locator("#void-form")).to_have_count(0)
    page.goto("/admin/item_receipts/")
    expect(page.locator(".document-voided")).to_have_count(1)
    shot(page, "receipts-list")

    # VOID-TEST-1's history: received, voided, received again by the amended copy.
    with app.app_context():
        unit_id = db.session.query(SerialUnit).filter_by(serial_key="void-test-1").one().id
        typo = db.session.query(SerialUnit).filter_by(serial_key="void-tset-2").one()
        assert typo.status == "adjusted_out"
        db.session.remove()
    page.goto(f"/admin/serial_inventory/history/?id={unit_id}")
    body = page.locator("body")
    expect(body).to_contain_text("Voided")
    expect(body).to_contain_text("Reason: Serial VOID-TSET-2 mistyped")
    shot(page, "unit-history")
