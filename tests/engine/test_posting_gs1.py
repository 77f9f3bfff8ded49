"""Scanned GS1 barcodes on a posting's lines: the serial of AI 21, the item's GTIN checked, lot and dates kept."""
import datetime as dt

import pytest

from sos_serial.errors import InvalidInput
from sos_serial.extensions import db
from sos_serial.models import SerialUnit
from tests.support.world import count, item, line, post, ship, snapshot, unit

GS = "\x1d"
GTIN = "09506000134352"
SCAN = "]d2010950600013435221ABC123" + GS + "10LOT7" + GS + "17271200"


@pytest.fixture
def clock_gtin(co):
    item(co.clock).gtin = GTIN[1:]  # entered as its GTIN-13; a barcode carries it as 14 digits
    db.session.commit()
    return GTIN


def receipt(co, *lines):
    return post(type="item_receipt", location_id=co.main, vendor_id=co.vendor, lines=list(lines))


def test_a_scan_received_is_the_unit_of_its_ai_21_with_lot_and_dates(co, clock_gtin):
    receipt(co, line(co.clock, 3, serials=[SCAN, "(01)09506000134352(21)DEF456(11)260100", "PLAIN-1"]))
    scanned = unit(co.clock, "ABC123")
    assert (scanned.lot, scanned.expiry_date, scanned.production_date) == ("LOT7", dt.date(2027, 12, 31), None)
    printed = unit(co.clock, "DEF456")
    assert (printed.lot, printed.expiry_date, printed.production_date) == (None, None, dt.date(2026, 1, 31))
    assert (unit(co.clock, "PLAIN-1").lot, unit(co.clock, "PLAIN-1").expiry_date) == (None, None)


def test_a_shipment_takes_the_unit_a_scan_names(co, clock_gtin):
    receipt(co, line(co.clock, 1, serials=[SCAN]))
    ship(co.clock, [GS + "010950600013435221ABC123"], co.main, co.acme)
    assert unit(co.clock, "ABC123").status == "shipped"
    assert unit(co.clock, "ABC123").lot == "LOT7"


def test_a_scan_of_another_items_gtin_is_refused_naming_both(co, clock_gtin):
    item(co.grandfather).gtin = "4006381333931"
    db.session.commit()
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        receipt(co, line(co.grandfather, 1, serials=[SCAN]))
    message = refused.value.message
    assert "09506000134352 (Armenian Mantel Clock)" in message and "Grandfather Clock" in message
    assert "04006381333931" in message
    assert refused.value.errors[0].field == "lines[0].serials"
    assert snapshot() == before


def test_a_scan_with_a_gtin_for_an_item_without_one_is_refused(co, clock_gtin):
    with pytest.raises(InvalidInput) as refused:
        receipt(co, line(co.grandfather, 1, serials=[SCAN]))
    assert "Grandfather Clock has no GTIN" in refused.value.message
    assert count(SerialUnit) == 0


def test_a_scan_without_ai_01_fits_any_item_and_an_unreadable_one_is_named(co):
    receipt(co, line(co.grandfather, 1, serials=["]C121GF-9" + GS + "10L2"]))
    assert unit(co.grandfather, "GF-9").lot == "L2"
    with pytest.raises(InvalidInput) as refused:
        receipt(co, line(co.grandfather, 1, serials=["]d20109506000134352"]))
    assert "no serial number (GS1 AI 21)" in refused.value.message


def test_a_unit_received_again_keeps_its_new_barcodes_lot(co, clock_gtin):
    receipt(co, line(co.clock, 1, serials=[SCAN]))
    post(type="adjustment", location_id=co.main, lines=[line(co.clock, -1, serials=["ABC123"])])
    receipt(co, line(co.clock, 1, serials=["]d2010950600013435221ABC123" + GS + "10LOT8"]))
    assert (unit(co.clock, "ABC123").status, unit(co.clock, "ABC123").lot) == ("in_stock", "LOT8")
