"""The company profile on the Settings screen, customers' and vendors' addresses on theirs, and the packing list
page and PDF that print them."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from sos_serial.extensions import db
from sos_serial.models import AuditEntry, Customer, Settings, Transaction, Vendor
from tests.support.web import csrf_token_from, read_version_from
from tests.support.world import make_company, post, receive

SETTINGS = "/admin/settings/"
FORM = {"plan": "pro", "value_serials_by_specific_id": "y", "valuation_method": "fifo", "auto_serial_prefix": "",
        "auto_serial_length": "6", "auto_serial_mode": "sequential", "auto_serial_next_number": "1",
        "show_warranty_on_serial_units": "y"}
MARKUP = '<script>alert("sos")</script>'


def image_file(kind: str, name: str) -> tuple:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (20, 60, 160)).save(out, format=kind)
    return io.BytesIO(out.getvalue()), name


def save_settings(client, **values):
    page = client.get(SETTINGS).text
    return client.post(SETTINGS, data={**FORM, **values, "csrf_token": csrf_token_from(page),
                                       **read_version_from(page)}, content_type="multipart/form-data",
                       follow_redirects=True)


def stored_company(app) -> tuple:
    with app.app_context():
        settings = Settings.current(db.session)
        try:
            return settings.company_name, settings.company_address, settings.company_logo_type, settings.company_logo
        finally:
            db.session.remove()


@pytest.fixture
def company(app):
    with app.app_context():
        made = make_company(db.session, with_clerk=False)
        db.session.remove()
    return made


@pytest.fixture
def shipment(app, company) -> int:
    with app.app_context():
        db.session.get(Customer, company.acme).shipping_address = "Acme Clocks Dock 4\n500 Harbour Road"
        db.session.commit()
        receive(company.clock, ["SCR-1", "SCR-2"], company.main)
        document = post(type="shipment", location_id=company.main, customer_id=company.acme,
                        lines=[{"item_id": company.clock, "quantity": 2, "serials": ["SCR-1", "SCR-2"]}])
        document_id = document.id
        db.session.remove()
    return document_id


def test_the_company_profile_and_logo_are_saved_on_the_settings_screen(app, login):
    client = login("admin")
    page = client.get(SETTINGS).text
    assert "Company name" in page and 'enctype="multipart/form-data"' in page
    assert "Remove the logo" not in page
    saved = save_settings(client, company_name=" Yerevan Clock Traders ",
                          company_address="12 Abovyan Street  \r\n\r\nYerevan 0001",
                          company_logo=image_file("PNG", "logo.png"))
    assert "Settings saved." in saved.text
    name, address, logo_type, logo = stored_company(app)
    assert (name, address, logo_type) == ("Yerevan Clock Traders", "12 Abovyan Street\nYerevan 0001", "image/png")
    assert Image.open(io.BytesIO(logo)).format == "PNG"
    page = client.get(SETTINGS).text
    assert 'src="data:image/png;base64,' in page and "Remove the logo" in page
    # The audit log records the change and the logo's size, not its bytes.
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="settings.changed").order_by(AuditEntry.id.desc()).first()
        changes = entry.detail["changes"]
        db.session.remove()
    assert changes["company_name"][1] == "Yerevan Clock Traders"
    assert changes["company_logo"][1] == f"{len(logo):,} bytes"
    # Saving again without a file keeps the logo; ticking Remove takes it away.
    save_settings(client, company_name="Yerevan Clock Traders", company_address="12 Abovyan Street")
    assert stored_company(app)[2] == "image/png"
    save_settings(client, company_name="Yerevan Clock Traders", remove_company_logo="y")
    assert stored_company(app)[2:] == (None, None)


@pytest.mark.parametrize("upload, words", [
    (image_file("GIF", "logo.gif"), "GIF image; upload a PNG or JPEG"),
    ((io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "logo.png"), "not a PNG or JPEG image"),
])
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused_and_nothing_is_saved(app, login, upload, words):
    client = login("admin")
    answer = save_settings(client, company_name="Changed Name", company_logo=upload)
    assert words in answer.text
    assert "Settings saved." not in answer.text
    assert stored_company(app) == (None, None, None, None)


def test_a_company_address_over_the_limit_is_refused_on_the_screen(app, login):
    answer = save_settings(login("admin"), company_address="x" * 1001)
    assert "The address can be at most 1,000 characters." in answer.text
    assert stored_company(app)[1] is None


@pytest.mark.parametrize("view, model", [("customers", Customer), ("vendors", Vendor)])
def test_customers_and_vendors_have_addresses_on_their_screens(app, login, view, model):
    client = login("clerk")
    page = client.get(f"/admin/{view}/new/").text
    assert "Billing address" in page and "Shipping address" in page
    answer = client.post(f"/admin/{view}/new/", data={
        "name": "Harbour Clocks", "billing_address": " PO Box 9 \r\n\r\nPortsmouth ",
        "shipping_address": f"Dock 4\r\n{MARKUP}", "csrf_token": csrf_token_from(page)}, follow_redirects=True)
    assert answer.status_code == 200
    with app.app_context():
        record = db.session.query(model).filter_by(name="Harbour Clocks").one()
        assert (record.billing_address, record.shipping_address) == ("PO Box 9\nPortsmouth", f"Dock 4\n{MARKUP}")
        record_id = record.id
        db.session.remove()
    details = client.get(f"/admin/{view}/details/?id={record_id}").text
    assert "PO Box 9" in details and MARKUP not in details and "&lt;script&gt;" in details


def test_the_packing_list_page_is_the_paper_alone_with_the_company_and_the_ship_to_address(app, login, shipment):
    client = login("admin")
    save_settings(client, company_name="Yerevan Clock Traders", company_address=f"12 Abovyan Street\n{MARKUP}",
                  company_logo=image_file("JPEG", "logo.jpg"))
    page = client.get(f"/admin/transactions/packing-list/?id={shipment}").text
    for text in ("Yerevan Clock Traders", "12 Abovyan Street", "Acme Clocks Dock 4", "500 Harbour Road",
                 "SCR-1", "SCR-2", "Received by", 'src="data:image/jpeg;base64,', 'src="data:image/svg+xml;base64,'):
        assert text in page, text
    assert MARKUP not in page and "&lt;script&gt;" in page
    # No menu, no navigation bar of the admin: only a toolbar the print stylesheet hides.
    assert "navbar" not in page and "Serial inventory" not in page
    assert re.search(r'class="toolbar no-print"', page)
    assert f'href="/admin/transactions/packing-list/pdf/?id={shipment}"' in page
    assert f'href="/admin/transactions/details/?id={shipment}"' in page


def test_the_packing_list_downloads_as_a_pdf(app, login, shipment):
    client = login("clerk")
    answer = client.get(f"/admin/transactions/packing-list/pdf/?id={shipment}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    with app.app_context():
        number = db.session.get(Transaction, shipment).number
        db.session.remove()
    assert answer.headers["Content-Disposition"] == f'attachment; filename="packing-list-{number}.pdf"'
    text = PdfReader(io.BytesIO(answer.data)).pages[0].extract_text()
    for expected in (number, "Acme Clocks Dock 4", "SCR-1", "SCR-2"):
        assert expected in text, expected


def test_only_a_shipment_has_a_packing_list_pdf(app, login, company, shipment):
    client = login("clerk")
    with app.app_context():
        receipt = db.session.query(Transaction).filter_by(type="item_receipt").first().id
        db.session.remove()
    assert client.get(f"/admin/transactions/packing-list/pdf/?id={receipt}").status_code == 404
    assert client.get("/admin/transactions/packing-list/pdf/?id=99999").status_code == 404
    assert client.get("/admin/transactions/packing-list/pdf/?id=abc").status_code == 404


def test_the_packing_list_pdf_needs_a_signed_in_user(client, shipment):
    answer = client.get(f"/admin/transactions/packing-list/pdf/?id={shipment}")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_demo_company_prints_its_name_and_acmes_shipping_address(app, login):
    from sos_serial.fixtures import load_demo_data

    with app.app_context():
        load_demo_data(db.session)
        shipment = db.session.query(Transaction).filter_by(type="shipment").order_by(Transaction.id).first().id
        db.session.remove()
    page = login("clerk").get(f"/admin/transactions/packing-list/?id={shipment}").text
    for text in ("Yerevan Clock Traders", "12 Abovyan Street", "Acme Clocks, Dock 4", "500 Harbour Road"):
        assert text in page, text
    assert "Accounts Payable" not in page
