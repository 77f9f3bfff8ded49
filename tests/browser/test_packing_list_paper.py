"""The packing list as a paper in the browser: the administrator sets the company and a customer's shipping
address, ships, opens the packing list (its print view has no navigation) and downloads the PDF."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

DETAILS = re.compile(r"/admin/transactions/details/\?id=\d+$")


@pytest.fixture
def stocked(app, make_user):
    """The demo company with its opening stock, and an administrator."""
    from sos_serial.extensions import db
    from sos_serial.fixtures import load_demo_data
    from sos_serial.models import Customer

    make_user("admin", "ada")
    with app.app_context():
        load_demo_data(db.session)
        acme = db.session.query(Customer).filter_by(name="Acme Clocks").one().id
        db.session.remove()
    return {"acme": acme}


def test_a_shipment_prints_a_packing_list_with_the_company_and_the_ship_to_address(page, stocked, shot, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (240, 80), (20, 60, 160)).save(logo)

    admin = clerk = page
    sign_in(admin, "ada", PASSWORD)
    admin.goto("/admin/settings/")
    admin.get_by_label("Company name").fill("Yerevan Clock Traders")
    admin.get_by_label("Address").fill("12 Abovyan Street\nYerevan 0001\nArmenia")
    admin.get_by_label("Logo").set_input_files(str(logo))
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.locator(".alert-success")).to_contain_text("Settings saved.")
    expect(admin.locator("img.company-logo-preview")).to_be_visible()
    shot(admin, "settings-company-profile")

    admin.goto(f"/admin/customers/edit/?id={stocked['acme']}")
    admin.get_by_label("Shipping address").fill("Acme Clocks Dock 4\n500 Harbour Road\nPortsmouth PO1 2AB")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.goto(f"/admin/customers/details/?id={stocked['acme']}")
    expect(admin.locator("body")).to_contain_text("500 Harbour Road")

    clerk.goto("/admin/shipments/new/")
    clerk.locator("#customer_id").select_option(label="Acme Clocks")
    clerk.locator("#location_id").select_option(label="Main Warehouse")
    line = clerk.locator("tr.line").first
    line.locator(".line-item").select_option(label="Armenian Mantel Clock (serial)")
    line.locator(".line-quantity").fill("1")
    line.locator(".picker-search").click()
    option = line.locator(".picker-option").first
    serial = option.inner_text().split()[0]
    option.click()
    clerk.locator("#save").click()
    expect(clerk).to_have_url(DETAILS)

    # The button opens a new tab; followed in this one, the page's guard checks the paper too (errors, the CSP).
    clerk.goto(clerk.locator("#packing-list").get_attribute("href"))
    paper = clerk
    expect(paper.locator(".company")).to_contain_text("Yerevan Clock Traders")
    expect(paper.locator(".company")).to_contain_text("12 Abovyan Street")
    expect(paper.locator(".company img.logo")).to_be_visible()
    expect(paper.locator(".ship-to")).to_contain_text("Acme Clocks Dock 4")
    expect(paper.locator(".ship-to")).to_contain_text("Portsmouth PO1 2AB")
    expect(paper.locator("td.serial")).to_have_text([serial])
    expect(paper.locator("img.barcode")).to_be_visible()
    expect(paper.locator(".signature")).to_contain_text("Received by")
    number = paper.locator("[data-field=number]").inner_text()
    assert paper.locator("img.barcode").evaluate("img => img.naturalWidth") > 0
    expect(paper.locator(".toolbar")).to_be_visible()
    shot(paper, "packing-list-paper")

    # Printed: the paper alone, no toolbar and no menus.
    paper.emulate_media(media="print")
    expect(paper.locator(".toolbar")).to_be_hidden()
    assert paper.locator("nav.navbar, .navbar, #global-serial").count() == 0
    shot(paper, "packing-list-print-view")
    paper.emulate_media(media="screen")

    with paper.expect_download() as download:
        paper.locator("#download-pdf").click()
    assert download.value.suggested_filename == f"packing-list-{number}.pdf"
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for expected in ("Yerevan Clock Traders", "12 Abovyan Street", "Acme Clocks Dock 4", "500 Harbour Road",
                     number, serial, "Received by"):
        assert expected in text, expected
