"""A range of serials typed in an S/N field, as a clerk or a scanner types it: the field shows what the
server reads it as (count, first, last) before saving, and saving receives every unit of it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.web import PASSWORD

from .test_help_page_story import new_line
from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+$")


@pytest.fixture
def clerk(demo, make_user):
    make_user("clerk", "carla")


def clock_serials(app, prefix: str) -> list[str]:
    from sqlalchemy import select

    from sos_serial.extensions import db
    from sos_serial.models import Item, SerialUnit

    with app.app_context():
        clock = db.session.scalar(select(Item.id).where(Item.name == "Armenian Mantel Clock"))
        found = db.session.scalars(select(SerialUnit.serial_number).where(
            SerialUnit.item_id == clock, SerialUnit.serial_number.startswith(prefix),
            SerialUnit.status == "in_stock"))
        serials = sorted(found)
        db.session.remove()
    return serials


def test_ranges_typed_in_s_n_fields_show_their_expansion_and_receive_their_units(page, app, clerk):
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 52, location_id="Main Warehouse")
    expect(line.locator(".serial-help")).to_contain_text("SN-0001 - SN-0500")
    fields = line.locator("input.sn")
    expect(fields).to_have_count(52)
    fields.first.click()
    # Typed key by key with Enter after each entry, as a clerk or a scanner does.
    for entry in ["RNG-0001 - RNG-0040", "RNG-0100 +10", "ODD-1", "ODD-2"]:
        page.keyboard.type(entry)
        page.keyboard.press("Enter")
    notes = line.locator(".range-note")
    expect(notes.nth(0)).to_have_text("40 serials: RNG-0001 to RNG-0040")
    expect(notes.nth(1)).to_have_text("10 serials: RNG-0100 to RNG-0109")
    expect(line.locator(".serial-count")).to_have_text("52 of 52 entered")
    expect(page).to_have_url(re.compile(r"/admin/item_receipts/new/$"))  # Enter never submitted
    # The fields the ranges made unneeded are put away.
    expect(line.locator("input.sn:visible")).to_have_count(5)
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    expect(page.locator(".alert-success")).to_contain_text("52 units of Armenian Mantel Clock")
    assert clock_serials(app, "RNG-") == [f"RNG-{n:04d}" for n in range(1, 41)] + \
        [f"RNG-{n:04d}" for n in range(100, 110)]
    assert clock_serials(app, "ODD-") == ["ODD-1", "ODD-2"]


def test_a_range_that_does_not_read_is_flagged_before_saving_and_refused_on_the_line(page, app, clerk):
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 3, location_id="Main Warehouse")
    field = line.locator("input.sn").first
    field.click()
    page.keyboard.type("BAD-0009 - BAD-0007")
    page.keyboard.press("Enter")
    expect(line.locator(".range-note")).to_contain_text("BAD-0007 comes before BAD-0009")
    expect(field).to_have_class(re.compile("is-invalid"))
    page.locator("#save").click()
    expect(page.locator("tr.line").first.locator(".line-error")).to_contain_text("BAD-0007 comes before BAD-0009")
    # The entry is kept for the clerk to correct.
    expect(page.locator("tr.line").first.locator("input.sn").first).to_have_value("BAD-0009 - BAD-0007")
    assert clock_serials(app, "BAD-") == []


def test_a_line_of_thousands_of_units_takes_a_range_in_one_field(page, app, clerk):
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "item_receipts", "Armenian Mantel Clock", 2500, location_id="Main Warehouse")
    fields = line.locator("input.sn")
    expect(fields).to_have_count(1)
    expect(line.locator(".serial-message")).to_contain_text("type a range of serials")
    fields.first.click()
    page.keyboard.type("BIG-00001 +2000")
    page.keyboard.press("Enter")  # a second field, for the next range
    expect(fields).to_have_count(2)
    page.keyboard.type("BIG-10001..BIG-10500")
    expect(line.locator(".range-note").nth(0)).to_have_text("2,000 serials: BIG-00001 to BIG-02000")
    expect(line.locator(".range-note").nth(1)).to_have_text("500 serials: BIG-10001 to BIG-10500")
    expect(line.locator(".serial-count")).to_have_text("2,500 of 2,500 entered")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    received = clock_serials(app, "BIG-")
    assert len(received) == 2500 and received[0] == "BIG-00001" and received[-1] == "BIG-10500"


def receive_clocks(app, first: str, count: int) -> None:
    """``count`` clocks at Main Warehouse, received as one range from ``first``."""
    from sqlalchemy import select

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location

    with app.app_context():
        clock = db.session.scalar(select(Item.id).where(Item.name == "Armenian Mantel Clock"))
        main = db.session.scalar(select(Location.id).where(Location.name == "Main Warehouse"))
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-01-05", "location_id": main,
            "lines": [{"item_id": clock, "quantity": count, "serial_ranges": [{"first": first, "count": count}]}]}))
        db.session.remove()


def test_a_range_typed_in_the_picker_ships_the_units_of_it(page, app, clerk):
    receive_clocks(app, "SHP-0001", 40)
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "shipments", "Armenian Mantel Clock", 12, location_id="Main Warehouse",
                    customer_id="Acme Clocks")
    line.locator(".picker-search").click()
    page.keyboard.type("SHP-0005 - SHP-0014")
    page.keyboard.press("Enter")
    expect(line.locator(".picked-chip").first).to_contain_text("10 serials: SHP-0005 to SHP-0014")
    # A hand scanner sends the next serial at once, before the server has answered the one before.
    page.keyboard.type("SHP-0030")  # a single serial still scans as before
    page.keyboard.press("Enter")
    page.keyboard.type("SHP-0031 +1")
    page.keyboard.press("Enter")
    expect(line.locator(".pick-count")).to_have_text("12 of 12 picked")
    page.locator("#save").click()
    expect(page).to_have_url(DETAILS)
    remaining = clock_serials(app, "SHP-")
    assert len(remaining) == 28 and "SHP-0005" not in remaining and "SHP-0014" not in remaining
    assert "SHP-0004" in remaining and "SHP-0015" in remaining and "SHP-0030" not in remaining


def test_the_picker_refuses_a_range_past_the_lines_quantity_and_counts_a_range_as_its_units(page, app, clerk):
    receive_clocks(app, "PCK-0001", 20)
    sign_in(page, "carla", PASSWORD)
    line = new_line(page, "shipments", "Armenian Mantel Clock", 5, location_id="Main Warehouse",
                    customer_id="Acme Clocks")
    line.locator(".picker-search").click()
    page.keyboard.type("PCK-0001 +6")  # six serials for a line of five
    page.keyboard.press("Enter")
    expect(line.locator(".serial-message")).to_contain_text("more than the 5 this line still takes")
    expect(line.locator(".picked-chip")).to_have_count(0)
    page.locator(".picker-search").first.fill("")
    page.keyboard.type("PCK-0001 +5")
    page.keyboard.press("Enter")
    expect(line.locator(".pick-count")).to_have_text("5 of 5 picked")
    # The line is full: a further single pick is refused as it is picked.
    page.keyboard.type("PCK-0010")
    page.keyboard.press("Enter")
    expect(line.locator(".picked-chip")).to_have_count(1)
