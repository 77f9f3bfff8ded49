"""GS (U+001D), the FNC1 of a scanned GS1 barcode, passes the request check only where a scan lands."""
import pytest

from sos_serial.security.request_input import ControlCharacterRefused, refuse_control_characters

GS = "\x1d"
SCAN = "]d2010950600013435221ABC123" + GS + "10LOT7"


def check(app, path, method="GET", **sent):
    with app.test_request_context(path, method=method, **sent):
        refuse_control_characters()


@pytest.mark.parametrize("path, sent", [
    ("/admin/item_receipts/new/", {"method": "POST", "data": {"lines-0-serials": SCAN, "lines-12-serials": GS}}),
    ("/admin/serial_inventory/new/", {"method": "POST", "data": {"serial_number": SCAN}}),
    ("/api/v1/transactions", {"method": "POST", "json": {"lines": [{"serials": ["A", SCAN]}]}}),
    ("/admin/item_receipts/serial-check/", {"method": "POST", "json": {"serials": [SCAN]}}),
    ("/api/v1/serials", {"method": "POST", "json": {"serial_number": SCAN}}),
    ("/api/v1/serials", {"query_string": {"q": SCAN}}),
    ("/admin/serial_inventory/", {"query_string": {"search": SCAN}}),
    ("/admin/warranty_lookup/", {"query_string": {"serial": SCAN}}),
])
def test_gs_passes_where_a_scan_lands(app, path, sent):
    check(app, path, **sent)


@pytest.mark.parametrize("path, sent, field", [
    ("/admin/customers/new/", {"method": "POST", "data": {"name": "A" + GS}}, "name"),
    ("/admin/item_receipts/new/", {"method": "POST", "data": {"memo": "A" + GS}}, "memo"),
    ("/admin/item_receipts/new/", {"method": "POST", "data": {"lines-0-serials_csv": GS}}, "lines-0-serials_csv"),
    ("/api/v1/transactions", {"method": "POST", "json": {"memo": GS, "lines": []}}, "memo"),
    ("/api/v1/items", {"method": "POST", "json": {"name": GS}}, "name"),
    ("/api/v1/items", {"method": "POST", "json": {"serials": {"x": GS}}}, "serials.x"),
    ("/api/v1/serials", {"method": "POST", "json": {"notes": GS}}, "notes"),
    ("/api/v1/serials", {"query_string": {"status": GS}}, "status"),
    ("/admin/items/", {"query_string": {"sort": GS}}, "sort"),
    # Only GS: every other control character stays refused where a scan lands too.
    ("/admin/item_receipts/new/", {"method": "POST", "data": {"lines-0-serials": "A\x00"}}, "lines-0-serials"),
    ("/api/v1/transactions", {"method": "POST", "json": {"lines": [{"serials": ["A\x1e"]}]}},
     "lines[0].serials[0]"),
    ("/api/v1/serials", {"query_string": {"q": "A\x1c"}}, "q"),
    ("/api/v1/serials", {"query_string": {"q" + GS: "A"}}, "'q\\x1d'"),
])
def test_gs_is_refused_everywhere_else(app, path, sent, field):
    with pytest.raises(ControlCharacterRefused) as refused:
        check(app, path, **sent)
    assert refused.value.field == field
    assert "U+00" in refused.value.message
