"""Labels: every layout's PDF decodes back to the units' serials (Code 128) or GTIN and serial (GS1 DataMatrix),
and the ZPL carries the same data in ^BC and ^BX fields."""
from __future__ import annotations

from datetime import date

import pytest

from sos_serial.engine.labels import LAYOUTS, Label, labels_of_document, labels_of_units, labels_pdf, labels_zpl
from sos_serial.errors import InvalidInput, NotFound
from sos_serial.extensions import db
from sos_serial.models import Item
from tests.support.labels import decode_pdf, page_count
from tests.support.world import receive, unit

GTIN = "09506000134352"
LABELS = [
    Label("Armenian Mantel Clock", "SN-0001", None, date(2027, 1, 5)),
    Label("Barometer with a GTIN and a name far too long for one line of any label", "BR-77/a", GTIN, None),
    Label("Barometer", "A_B%1", GTIN, date(2030, 12, 31)),
    # Longer than AI 21 allows (20 characters): Code 128 of the serial, though the item has a GTIN.
    Label("Barometer", "SERIAL-LONGER-THAN-TWENTY", GTIN, None),
    # Not ASCII: no Code 128 can carry it, a plain Data Matrix does (UTF-8).
    Label("Clock", "Ժամ-42", None, None),
]


def expected_codes(labels):
    codes = []
    for label in labels:
        if label.barcode == "gs1_datamatrix":
            codes.append(("DataMatrix", f"(01){label.gtin14}(21){label.serial_number}", True))
        elif label.barcode == "code128":
            codes.append(("Code128", label.serial_number, False))
        else:
            codes.append(("DataMatrix", label.serial_number, False))
    return sorted(codes)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_decodes_back_to_the_serials_and_gtins(layout):
    pdf = labels_pdf(LABELS, LAYOUTS[layout], show_warranty_end=True)
    pages = decode_pdf(pdf)
    found = sorted((code.symbology, code.text, code.gs1) for page in pages for code in page)
    assert found == expected_codes(LABELS)
    gs1 = sorted(code.gtin_and_serial for page in pages for code in page if code.gs1)
    assert gs1 == [(GTIN, "A_B%1"), (GTIN, "BR-77/a")]
    # A roll prints a label a page; a sheet takes all five on its first page.
    assert page_count(pdf) == (1 if LAYOUTS[layout].per_page > 1 else len(LABELS))


def test_which_barcode_each_label_carries():
    assert [label.barcode for label in LABELS] == [
        "code128", "gs1_datamatrix", "gs1_datamatrix", "code128", "datamatrix"]


def test_a_sheet_fills_its_pages_in_order():
    labels = [Label("Clock", f"SH-{n:03d}") for n in range(45)]
    pdf = labels_pdf(labels, LAYOUTS["a4_3x7"], show_warranty_end=False)
    pages = decode_pdf(pdf, dpi=300)
    assert [len(page) for page in pages] == [21, 21, 3]
    assert sorted(code.text for code in pages[2]) == ["SH-042", "SH-043", "SH-044"]


def test_the_warranty_end_is_printed_only_when_asked():
    label = [Label("Clock", "W-1", None, date(2031, 3, 4))]
    assert b"2031-03-04" in labels_zpl(label, LAYOUTS["a4_3x7"], True).encode()
    assert b"2031-03-04" not in labels_zpl(label, LAYOUTS["a4_3x7"], False).encode()
    import pypdfium2
    for shown in (True, False):
        document = pypdfium2.PdfDocument(labels_pdf(label, LAYOUTS["roll_62x29mm"], shown))
        text = document[0].get_textpage().get_text_range()
        document.close()
        assert ("Warranty ends 2031-03-04" in text) is shown
        assert "W-1" in text and "Clock" in text


def test_zpl_has_one_format_per_label_with_its_fields_and_barcodes():
    zpl = labels_zpl(LABELS, LAYOUTS["roll_62x29mm"], show_warranty_end=True)
    formats = zpl.strip().split("^XZ")[:-1]
    assert len(formats) == len(LABELS) and zpl.count("^XA") == len(LABELS)
    first, second, third, fourth, fifth = formats
    # 62 x 29 mm at 203 dpi (8 dots a mm), UTF-8 text.
    assert "^PW496" in first and "^LL232" in first and "^CI28" in first
    # Code 128 in automatic mode, no interpretation line, the serial as data; the name, serial and warranty as text.
    assert "^BCN," in first and ",N,N,N,A^FH\\^FDSN-0001^FS" in first
    assert "^FDArmenian Mantel Clock^FS" in first and "^FDWarranty ends 2027-01-05^FS" in first
    assert "^BX" not in first
    # GS1 DataMatrix: quality 200, "_" as escape, FNC1 (_1) first, then AI 01 and AI 21; no warranty, none shown.
    assert "^BXN,4,200,0,0,1,_,1^FH\\^FD_101" + GTIN + "21BR-77/a^FS" in second
    assert "^BC" not in second and "Warranty" not in second
    assert "^FD(01)" + GTIN + "^FS" in second and "^FD(21)BR-77/a^FS" in second
    # A serial holding "_" takes another escape character, so its underscore stays data.
    assert "^BXN,4,200,0,0,1,#,1^FH\\^FD#101" + GTIN + "21A_B%1^FS" in third
    assert "^BCN," in fourth and "^FDSERIAL-LONGER-THAN-TWENTY^FS" in fourth
    assert "^BXN,4,200,0,0,1,_,1^FH\\^FDԺամ-42^FS" in fifth


def test_zpl_escapes_its_command_characters_in_the_data():
    zpl = labels_zpl([Label("Caret ^ item", "A^B~C\\D")], LAYOUTS["letter_3x10"], True)
    assert "^FH\\^FDA\\5EB\\7EC\\5CD^FS" in zpl
    assert "^FDCaret \\5E item^FS" in zpl
    assert "^PW533" in zpl and "^LL203" in zpl


# ---- which units: from a document, or by id -------------------------------------------------------------------
def test_a_receipt_gives_a_label_per_unit_with_the_items_gtin_and_warranty(co):
    db.session.get(Item, co.clock).gtin = GTIN
    db.session.commit()
    document = receive(co.clock, ["LB-2", "LB-1", "LB-3"], co.main)
    labels = labels_of_document(db.session, document)
    assert [(label.item_name, label.serial_number, label.gtin14) for label in labels] == [
        ("Armenian Mantel Clock", serial, GTIN) for serial in ("LB-1", "LB-2", "LB-3")]
    pages = decode_pdf(labels_pdf(labels, LAYOUTS["a4_3x7"], True))
    assert sorted(code.gtin_and_serial for code in pages[0]) == [(GTIN, "LB-1"), (GTIN, "LB-2"), (GTIN, "LB-3")]


def test_units_by_id_keep_the_order_given_and_an_unknown_id_is_named(co):
    receive(co.grandfather, ["GF-9", "GF-8"], co.main)
    first, second = unit(co.grandfather, "GF-9"), unit(co.grandfather, "GF-8")
    labels = labels_of_units(db.session, [second.id, first.id, second.id])
    assert [label.serial_number for label in labels] == ["GF-8", "GF-9"]
    assert labels[0].gtin14 is None and labels[0].barcode == "code128"
    with pytest.raises(NotFound, match="999999"):
        labels_of_units(db.session, [first.id, 999999])
    with pytest.raises(InvalidInput, match="at least one"):
        labels_of_units(db.session, [])


def test_a_document_without_units_has_no_labels(co):
    from tests.support.world import receive_plain
    document = receive_plain(co.oil, 3, co.main)
    with pytest.raises(NotFound, match="no serial units"):
        labels_of_document(db.session, document)
