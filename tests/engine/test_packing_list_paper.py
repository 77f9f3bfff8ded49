"""The packing list as a paper: the company, the ship-to address, the number as a barcode, every serial, the logo."""
from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from sos_serial.engine.company_logo import read_logo
from sos_serial.engine.packing_list import packing_list_context
from sos_serial.engine.packing_list_pdf import FONT, packing_list_pdf
from sos_serial.errors import InvalidInput
from sos_serial.extensions import db
from sos_serial.limits import COMPANY_LOGO_MAX_BYTES, COMPANY_LOGO_MAX_SIDE
from sos_serial.models import Customer
from tests.support.world import line, post, receive, set_settings

SERIALS = ["PL-0001", "PL-0002", "PL-0003"]


def image_bytes(kind: str, size=(40, 20), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=kind)
    return out.getvalue()


def pdf_of(document) -> bytes:
    db.session.expire_all()
    return packing_list_pdf(packing_list_context(db.session, document))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def shipment(co):
    set_settings(company_name="Yerevan Clock Traders", company_address="12 Abovyan Street\nYerevan 0001\nArmenia")
    customer = db.session.get(Customer, co.acme)
    customer.billing_address = "Acme Clocks Accounts\nPO Box 9"
    customer.shipping_address = "Acme Clocks Dock 4\n500 Harbour Road\nPortsmouth PO1 2AB"
    db.session.commit()
    receive(co.clock, SERIALS, co.main)
    receive(co.grandfather, ["GF-1"], co.main)
    return post(co.user, type="shipment", location_id=co.main, customer_id=co.acme,
                lines=[line(co.clock, 3, serials=SERIALS), line(co.grandfather, 1, serials=["GF-1"])])


def test_the_pdf_holds_the_company_the_ship_to_address_and_every_serial(shipment):
    text = text_of(pdf_of(shipment))
    for expected in ("Yerevan Clock Traders", "12 Abovyan Street", "Yerevan 0001", "Armenia",
                     "Acme Clocks", "Acme Clocks Dock 4", "500 Harbour Road", "Portsmouth PO1 2AB",
                     "Main Warehouse", shipment.number, "2026-01-05", "Armenian Mantel Clock", "Grandfather Clock",
                     *SERIALS, "GF-1", "Received by", "Date"):
        assert expected in text, expected
    # Shipped to the shipping address, not billed there.
    assert "PO Box 9" not in text
    # The warranty setting is on: each unit's warranty, started on the shipment's date.
    for expected in ("Warranty", "1 year parts and labor", "2027-01-05", "1 month", "2026-02-05"):
        assert expected in text, expected


def test_without_a_shipping_address_the_paper_ships_to_the_billing_address(co, shipment):
    db.session.get(Customer, co.acme).shipping_address = None
    db.session.commit()
    text = text_of(pdf_of(shipment))
    assert "PO Box 9" in text and "500 Harbour Road" not in text


def test_warranties_are_left_off_the_pdf_when_the_sales_setting_is_off(shipment):
    set_settings(show_warranty_on_serial_units=False)
    text = text_of(pdf_of(shipment))
    assert "PL-0002" in text
    assert "1 year parts and labor" not in text and "Warranty" not in text


def test_the_barcode_on_the_rendered_page_reads_as_the_document_number(shipment):
    page = pypdfium2.PdfDocument(pdf_of(shipment))[0]
    image = page.render(scale=200 / 72).to_pil()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    assert [barcode.text for barcode in found] == [shipment.number]


def test_names_and_addresses_are_printed_as_written_not_read_as_markup(co, shipment):
    set_settings(company_name="<b>Bold & Co</b>", company_address="<font size=40>Big</font>")
    text = text_of(pdf_of(shipment))
    assert "<b>Bold & Co</b>" in text
    assert "<font size=40>Big</font>" in text


@pytest.mark.skipif(FONT == "Helvetica", reason="no DejaVu Sans on this system: Helvetica prints Latin-1 only")
def test_armenian_and_cyrillic_names_are_printed_in_their_own_letters(co, shipment):
    set_settings(company_name="Ժամացույցներ ՍՊԸ", company_address="Абовяна 12\nЕреван")
    text = text_of(pdf_of(shipment))
    assert "Ժամացույցներ ՍՊԸ" in text and "Абовяна 12" in text


@pytest.mark.parametrize("kind, media_type", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_a_logo_is_kept_re_encoded_and_printed(co, shipment, kind, media_type):
    content, kept_as = read_logo(image_bytes(kind))
    assert kept_as == media_type
    assert Image.open(io.BytesIO(content)).format == kind
    set_settings(company_logo=content, company_logo_type=kept_as)
    pdf = PdfReader(io.BytesIO(pdf_of(shipment)))
    assert len(pdf.pages[0].images) == 1


def test_a_large_logo_is_scaled_to_fit():
    content, _ = read_logo(image_bytes("PNG", size=(2400, 800)))
    assert Image.open(io.BytesIO(content)).size == (COMPANY_LOGO_MAX_SIDE, COMPANY_LOGO_MAX_SIDE // 3)


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a PNG or JPEG"),
    (image_bytes("GIF"), "GIF image; upload a PNG or JPEG"),
    (image_bytes("PNG")[:40], "not a PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (COMPANY_LOGO_MAX_BYTES + 1), "can be at most 1 MB"),
])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(content, words):
    with pytest.raises(InvalidInput, match=words) as refused:
        read_logo(content)
    assert refused.value.errors[0].field == "company_logo"


def test_a_shipment_of_2000_serials_renders_on_many_pages(co):
    serials = [f"BIG-{n:05d}" for n in range(2000)]
    receive(co.clock, serials, co.main)
    document = post(co.user, type="shipment", location_id=co.main, customer_id=co.acme,
                    lines=[line(co.clock, 2000, serials=serials)])
    pdf = PdfReader(io.BytesIO(pdf_of(document)))
    assert len(pdf.pages) > 10
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert all(serial in text for serial in serials)
    assert "Received by" in pdf.pages[-1].extract_text()
