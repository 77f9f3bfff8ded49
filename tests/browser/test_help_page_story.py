"""The help page's story in a real browser: receive Armenian Mantel Clocks three ways, see the
prompt for missing serials, and ship one unit picked from the dropdown."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+$")
TYPED = ["CLK-1001", "CLK-1002", "CLK-1003", "CLK-1004", "CLK-1005"]


@pytest.fixture
def company(app, demo, make_user):
    from sos_serial.extensions import db
    from sos_serial.models import Settings

    make_user("clerk", "carla")
    with app.app_context():
        settings = Settings.current(db.session)
        settings.auto_serial_enabled, settings.auto_serial_prefix, settings.auto_serial_length = True, "AMC-", 5
        db.session.commit()


def new_line(page, kind_path: str, item: str, quantity: int, **header):
    page.goto(f"/admin/{kind_path}/new/")
    for field, value in header.items():
        page.locator(f"#{field}").select_option(label=value)
    line = page.locator("tr.line").first
    line.locator(".line-item").select_option(label=f"{item} (serial)")
    line.locator(".line-quantity").fill(str(quantity))
    return line


def serials_on_details(page) -> list[str]:
    return [s.strip() for s in page.locator(".line-serials .serial").all_inner_texts()]


def test_receive_prompt_and_ship_as_the_help_page_tells(page, app, company, shot, tmp_path):
    from sos_serial.extensions import db
    from sos_serial.models import Item, SerialUnit

    sign_in(page, "carla", PASSWORD)

    # 1. Five units, one S/N field each, typed as a scanner does: serial, Enter, serial, Enter...
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 5, location_id="Main Warehouse",
                    vendor_id="Yerevan Clockworks")
    fields = line.locator("input.sn")
    expect(fields).to_have_count(5)
    fields.first.click()
    for serial in TYPED[:2] + ["CLK-1002"]:
        page.keyboard.type(serial)
        page.keyboard.press("Enter")
    expect(fields.nth(2)).to_have_class(re.compile("is-invalid"))  # typed twice: flagged at once
    expect(page).to_have_url(re.compile(r"/admin/item_receipts/new/$"))  # Enter never submitted
    shot(page, "receipt-repeat-flagged")
    fields.nth(2).fill("")
    fields.nth(2).click()
    for serial in TYPED[2:]:
        page.keyboard.type(serial)
        page.keyboard.press("Enter")
    expect(fields.nth(2)).not_to_have_class(re.compile("is-invalid"))
    expect(line.locator(".serial-count")).to_have_text("5 of 5 entered")
    shot(page, "receipt-typed")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == TYPED
    shot(page, "receipt-typed-saved")

    # 2. Five more with Auto serial/lot numbers: the S/N fields disappear; the saved document shows the numbers.
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 5, location_id="Main Warehouse")
    line.get_by_label("Auto serial/lot numbers").check()
    expect(line.locator("input.sn")).to_have_count(0)
    shot(page, "receipt-auto")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == [f"AMC-{n:05d}" for n in range(1, 6)]
    shot(page, "receipt-auto-saved")

    # 3. Five from an uploaded CSV file; a file with the wrong count is refused before saving.
    wrong = tmp_path / "four.csv"
    wrong.write_text("Serial Number\nCSV-1\nCSV-2\nCSV-3\nCSV-4\n", encoding="utf-8")
    good = tmp_path / "five.csv"
    good.write_bytes("\ufeffS/N,Note\r\nCSV-1,a\r\nCSV-2,b\r\n\r\nCSV-3,c\r\nCSV-4,d\r\nCSV-5,e\r\n".encode("utf-8"))
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 5, location_id="Main Warehouse")
    line.locator(".line-upload").set_input_files(str(wrong))
    expect(line.locator(".serial-message")).to_contain_text("holds 4 serial numbers but the line's quantity is 5")
    shot(page, "receipt-csv-wrong-count")
    line.locator(".line-upload").set_input_files(str(good))
    expect(line.locator("input.sn").nth(4)).to_have_value("CSV-5")
    shot(page, "receipt-csv-filled")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == [f"CSV-{n}" for n in range(1, 6)]

    # 4. Saving with serials missing re-prompts for exactly what is missing, keeping what was typed.
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 3, location_id="Showroom")
    line.locator("input.sn").first.fill("CLK-2100")
    page.locator("#save").click()
    expect(page.locator(".line-error")).to_contain_text("Armenian Mantel Clock needs 2 more serial numbers")
    expect(page.locator("tr.line").first.locator("input.sn").first).to_have_value("CLK-2100")
    shot(page, "receipt-missing-serials-prompt")

    # 5. Ship one unit, picked from the dropdown of units in stock at the warehouse.
    line = new_line(page, "shipments", "Armenian Mantel Clock", 1, customer_id="Acme Clocks",
                    location_id="Main Warehouse")
    search = line.locator(".picker-search")
    search.click()
    search.fill("clk-100")
    options = line.locator(".picker-option")
    expect(options).to_have_count(5)
    shot(page, "shipment-dropdown")
    options.filter(has_text="CLK-1003").click()
    expect(line.locator(".picked-chip")).to_contain_text("CLK-1003")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    assert serials_on_details(page) == ["CLK-1003"]
    shot(page, "shipment-saved")
    with page.expect_popup() as popup:
        page.locator("#packing-list").click()
    packing = popup.value
    expect(packing.locator("td.serial")).to_have_text(["CLK-1003"])
    expect(packing.locator("td.warranty-name")).to_have_text(["1 year parts and labor"])

    with app.app_context():
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one()
        assert clock.quantity_on_hand == 14
        shipped = db.session.query(SerialUnit).filter_by(serial_key="clk-1003").one()
        assert shipped.status == "shipped" and shipped.customer.name == "Acme Clocks"
        # The form dates the shipment today, and the unit's one-year warranty starts with it.
        assert shipped.warranty_start == date.today()
        assert shipped.warranty_end == date.today().replace(year=date.today().year + 1) \
            if (date.today().month, date.today().day) != (2, 29) else True


def test_scanned_serial_and_enter_picks_the_unit(page, app, company, shot):
    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db
    from sos_serial.models import Location

    with app.app_context():
        warehouse = db.session.query(Location).filter_by(name="Main Warehouse").one()
        from sos_serial.models import Item

        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one()
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-01-05", "location_id": warehouse.id,
            "lines": [{"item_id": clock.id, "quantity": 2, "serials": ["SCAN-1", "SCAN-2"]}]}))
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "shipments", "Armenian Mantel Clock", 1, customer_id="Acme Clocks",
                    location_id="Main Warehouse")
    search = line.locator(".picker-search")
    search.click()
    page.keyboard.type("scan-2")
    page.keyboard.press("Enter")
    expect(line.locator(".picked-chip")).to_contain_text("SCAN-2")
    expect(line.locator(".pick-count")).to_have_text("1 of 1 picked")
    expect(page).to_have_url(re.compile(r"/admin/shipments/new/$"))
    shot(page, "scanned")
    page.keyboard.type("nope")
    page.keyboard.press("Enter")
    expect(line.locator(".serial-message")).to_contain_text("nope is not available here.")
