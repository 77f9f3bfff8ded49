"""Labels in the browser: a saved receipt's Labels button gives a PDF whose barcodes are the receipt's serials."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.labels import decode_pdf
from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def received(app, make_user):
    """The demo company with its opening stock, a clerk, and the first receipt that brought serial units in."""
    from sos_serial.engine.queries import line_serials
    from sos_serial.extensions import db
    from sos_serial.fixtures import load_demo_data
    from sos_serial.models import Transaction

    make_user("clerk", "cleo")
    with app.app_context():
        load_demo_data(db.session)
        for document in db.session.query(Transaction).filter_by(type="item_receipt").order_by(Transaction.id):
            serials = [s for found in line_serials(db.session, [line.id for line in document.lines]).values()
                       for s in found]
            if serials:
                return document.id, sorted(serials)
    raise AssertionError("the demo data has no receipt of serial units")


def test_a_saved_receipts_labels_button_gives_a_pdf_of_its_units(page, received):
    document_id, serials = received
    sign_in(page, "cleo", PASSWORD)
    page.goto(f"/admin/transactions/details/?id={document_id}")
    button = page.locator("#labels")
    expect(button).to_have_text("Labels")
    with page.context.expect_event("response", predicate=lambda r: "/admin/transactions/labels/" in r.url) as got:
        button.click()
    answer = got.value
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer (a page of its own): the same address, fetched in the signed-in
    # browser context, gives the file the viewer shows.
    pdf = page.context.request.get(answer.url).body()
    assert pdf.startswith(b"%PDF")
    decoded = sorted(code.gtin_and_serial[1] if code.gs1 else code.text for found in decode_pdf(pdf) for code in found)
    assert decoded == serials
