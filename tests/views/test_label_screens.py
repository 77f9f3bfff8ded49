"""Labels on the screens: a saved receipt's Labels button, the Serial inventory's "Print labels" on a selection,
and one unit's Label on its page; the PDFs decode back to the units' serials, and the settings choose the layout."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit
from tests.support.labels import decode_pdf, page_count
from tests.support.web import csrf_token_from, read_version_from
from tests.support.world import make_company, receive, receive_plain

GTIN = "09506000134352"


@pytest.fixture
def stocked(app):
    """A receipt of three clocks whose item has a GTIN, two Grandfather Clocks without one, and plain oil."""
    with app.app_context():
        co = make_company(db.session, with_clerk=False)
        db.session.get(Item, co.clock).gtin = GTIN
        db.session.commit()
        receipt = receive(co.clock, ["LBL-3", "LBL-1", "LBL-2"], co.main)
        receive(co.grandfather, ["GF-A", "GF-B"], co.main)
        oil = receive_plain(co.oil, 4, co.main)
        units = {unit.serial_number: unit.id for unit in db.session.scalars(select(SerialUnit))}
        found = {"receipt": receipt.id, "number": receipt.number, "oil": oil.id, "units": units}
        db.session.remove()
    return found


def gs1_codes(pdf: bytes) -> list[tuple[str, str]]:
    return sorted(code.gtin_and_serial for page in decode_pdf(pdf) for code in page if code.gs1)


def test_a_saved_receipt_has_a_labels_button_giving_its_units_labels(login, stocked):
    client = login("clerk")
    page = client.get(f"/admin/transactions/details/?id={stocked['receipt']}").text
    assert 'id="labels"' in page and 'id="labels-zpl"' in page
    answer = client.get(f"/admin/transactions/labels/?id={stocked['receipt']}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert f'filename="labels-{stocked["number"]}.pdf"' in answer.headers["Content-Disposition"]
    assert gs1_codes(answer.data) == [(GTIN, "LBL-1"), (GTIN, "LBL-2"), (GTIN, "LBL-3")]


def test_the_receipts_labels_as_zpl(login, stocked):
    answer = login("clerk").get(f"/admin/transactions/labels/?id={stocked['receipt']}&format=zpl")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    zpl = answer.text
    assert zpl.count("^XA") == 3
    for serial in ("LBL-1", "LBL-2", "LBL-3"):
        assert f"^FD_101{GTIN}21{serial}^FS" in zpl


def test_a_document_without_units_shows_no_labels_button_and_says_why(login, stocked):
    client = login("clerk")
    assert 'id="labels"' not in client.get(f"/admin/transactions/details/?id={stocked['oil']}").text
    answer = client.get(f"/admin/transactions/labels/?id={stocked['oil']}", follow_redirects=True)
    assert "carries no serial units" in answer.text
    assert client.get(f"/admin/transactions/labels/?id={stocked['receipt']}&format=docx").status_code == 404


def test_print_labels_on_a_selection_of_the_serial_inventory(login, stocked):
    client = login("support")
    listing = client.get("/admin/serial_inventory/").text
    assert "Print labels" in listing
    units = stocked["units"]
    chosen = [str(units["GF-B"]), str(units["LBL-2"]), "not-an-id"]
    answer = client.post("/admin/serial_inventory/action/", data={
        "csrf_token": csrf_token_from(listing), "action": "labels", "rowid": chosen,
        "url": "/admin/serial_inventory/"})
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    codes = sorted((code.symbology, code.text) for page in decode_pdf(answer.data) for code in page)
    assert codes == [("Code128", "GF-B"), ("DataMatrix", f"(01){GTIN}(21)LBL-2")]


def test_one_units_label_from_its_page(login, stocked):
    client = login("support")
    unit_id = stocked["units"]["GF-A"]
    page = client.get(f"/admin/serial_inventory/edit/?id={unit_id}").text
    assert 'id="unit-label"' in page
    answer = client.get(f"/admin/serial_inventory/labels/?id={unit_id}")
    assert answer.status_code == 200
    assert [[(code.symbology, code.text) for code in found] for found in decode_pdf(answer.data)] == [
        [("Code128", "GF-A")]]
    assert client.get("/admin/serial_inventory/labels/?id=99999999").status_code == 404


def test_the_settings_screen_chooses_the_layout_and_the_warranty_end(app, login, stocked):
    client = login("admin")
    page = client.get("/admin/settings/").text
    assert "Label layout" in page and "Show the warranty end on labels" in page
    fields = {"plan": "pro", "value_serials_by_specific_id": "y", "valuation_method": "fifo",
              "auto_serial_prefix": "", "auto_serial_length": "6", "auto_serial_mode": "sequential",
              "auto_serial_next_number": "1", "show_warranty_on_serial_units": "y",
              "label_layout": "roll_62x29mm"}  # the warranty end left unticked
    saved = client.post("/admin/settings/", data=dict(read_version_from(page), **fields,
                                                      csrf_token=csrf_token_from(page)), follow_redirects=True)
    assert "Settings saved." in saved.text
    pdf = client.get(f"/admin/transactions/labels/?id={stocked['receipt']}").data
    # A roll: one label a page.
    assert page_count(pdf) == 3
    zpl = client.get(f"/admin/transactions/labels/?id={stocked['receipt']}&format=zpl").text
    assert "^PW496" in zpl and "Warranty ends" not in zpl


def test_a_settings_page_posted_without_the_labels_group_leaves_the_label_settings(app, login):
    from sos_serial.models import Settings

    with app.app_context():
        settings = Settings.current(db.session)
        settings.label_layout, settings.label_show_warranty_end = "letter_3x10", True
        db.session.commit()
        db.session.remove()
    client = login("admin")
    page = client.get("/admin/settings/").text
    saved = client.post("/admin/settings/", data={
        "plan": "pro", "value_serials_by_specific_id": "y", "valuation_method": "fifo", "auto_serial_prefix": "",
        "auto_serial_length": "6", "auto_serial_mode": "sequential", "auto_serial_next_number": "1",
        "csrf_token": csrf_token_from(page), **read_version_from(page)}, follow_redirects=True)
    assert "Settings saved." in saved.text
    with app.app_context():
        settings = Settings.current(db.session)
        assert (settings.label_layout, settings.label_show_warranty_end) == ("letter_3x10", True)
        db.session.remove()
