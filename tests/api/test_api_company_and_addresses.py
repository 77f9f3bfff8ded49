"""The company profile in the settings, customers' and vendors' addresses, and the packing list that prints them
(API.md, additions of 1.1)."""
import io

import pytest
from pypdf import PdfReader

from tests.support.api import assert_problem, receive, ship

SHIPPING = "Acme Clocks Dock 4\n500 Harbour Road\nPortsmouth PO1 2AB"


def test_the_settings_carry_the_company_group(admin, clerk):
    assert clerk.ok("GET", "/settings")["company"] == {"name": None, "address": None}
    answer = admin.ok("PATCH", "/settings", {"company": {"name": "  Yerevan Clock Traders ",
                                                         "address": "12 Abovyan Street\r\n\r\n  Yerevan 0001 \r\n"}})
    assert answer["company"] == {"name": "Yerevan Clock Traders", "address": "12 Abovyan Street\nYerevan 0001"}
    # The other groups keep their values; a subset of the group changes only what it names.
    assert answer["sales"] == {"show_warranty_on_serial_units": True}
    answer = admin.ok("PATCH", "/settings", {"company": {"address": None}})
    assert answer["company"] == {"name": "Yerevan Clock Traders", "address": None}
    assert clerk.ok("GET", "/settings")["company"]["name"] == "Yerevan Clock Traders"


@pytest.mark.parametrize("company, field", [
    ({"name": "x" * 121}, "company.name"),
    ({"address": "x" * 1001}, "company.address"),
    ({"address": 12}, "company.address"),
    ({"logo": "abc"}, "company.logo"),
])
def test_a_bad_company_value_is_refused_naming_the_field(admin, company, field):
    assert_problem(admin.patch("/settings", {"company": company}), 422, field)
    assert admin.ok("GET", "/settings")["company"] == {"name": None, "address": None}


def test_only_an_administrator_changes_the_company(clerk):
    assert_problem(clerk.patch("/settings", {"company": {"name": "Mine now"}}), 403)


@pytest.mark.parametrize("collection", ["customers", "vendors"])
def test_customers_and_vendors_take_and_answer_addresses(clerk, collection):
    made = clerk.ok("POST", f"/{collection}", {"name": "Harbour Clocks", "billing_address": "PO Box 9\nPortsmouth",
                                               "shipping_address": SHIPPING}, status=201)
    assert made["billing_address"] == "PO Box 9\nPortsmouth"
    assert made["shipping_address"] == SHIPPING
    path = f"/{collection}/{made['id']}"
    changed = clerk.ok("PATCH", path, {"name": "Harbour Clocks Ltd", "shipping_address": None})
    assert changed["name"] == "Harbour Clocks Ltd"
    assert changed["shipping_address"] is None and changed["billing_address"] == "PO Box 9\nPortsmouth"
    assert clerk.ok("GET", path) == changed
    listed = clerk.ok("GET", f"/{collection}")["items"]
    assert any(record["billing_address"] == "PO Box 9\nPortsmouth" for record in listed)
    plain = clerk.ok("POST", f"/{collection}", {"name": "No Address Co"}, status=201)
    assert plain["billing_address"] is None and plain["shipping_address"] is None


def test_an_address_change_from_a_stale_reading_is_refused(clerk, admin, world):
    path = f"/customers/{world.acme}"
    read = clerk.get(path).headers["ETag"]
    admin.ok("PATCH", path, {"billing_address": "New Street 1"}, headers={"If-Match": read})
    assert_problem(clerk.patch(path, {"shipping_address": "Old Street 2"}, headers={"If-Match": read}), 409)
    assert clerk.ok("GET", path)["shipping_address"] is None


def test_locations_take_no_address(clerk):
    assert_problem(clerk.post("/locations", {"name": "Dock", "shipping_address": "x"}), 422, "shipping_address")


def test_an_address_over_the_limit_is_refused(clerk, world):
    assert_problem(clerk.patch(f"/customers/{world.acme}", {"shipping_address": "x" * 1001}), 422,
                   "shipping_address")


@pytest.fixture
def shipment(admin, clerk, world):
    admin.ok("PATCH", "/settings", {"company": {"name": "Yerevan Clock Traders", "address": "12 Abovyan Street"}})
    clerk.ok("PATCH", f"/customers/{world.acme}", {"shipping_address": SHIPPING})
    receive(clerk, world.clock, ["AD-1", "AD-2"], world.main)
    return ship(clerk, world.clock, ["AD-1", "AD-2"], world.main, world.acme)


def test_the_packing_list_page_shows_the_company_and_the_shipping_address(support, shipment):
    response = support.get(f"/transactions/{shipment['id']}/packing-list")
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    for text in ("Yerevan Clock Traders", "12 Abovyan Street", "Acme Clocks Dock 4", "500 Harbour Road",
                 "AD-1", "AD-2", "Received by", 'alt="Barcode of ' + shipment["number"]):
        assert text in page, text


def test_the_packing_list_is_a_pdf_when_the_client_asks_for_one(support, shipment):
    response = support.get(f"/transactions/{shipment['id']}/packing-list", headers={"Accept": "application/pdf"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="packing-list-{shipment["number"]}.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Yerevan Clock Traders", "12 Abovyan Street", "500 Harbour Road", "AD-1", "AD-2"):
        assert expected in text, expected


def test_the_openapi_document_offers_the_packing_list_as_a_page_or_a_pdf(clerk):
    document = clerk.ok("GET", "/openapi.json")
    content = document["paths"]["/transactions/{id}/packing-list"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"text/html", "application/pdf"}
    schemas = document["components"]["schemas"]
    assert {"billing_address", "shipping_address"} <= set(schemas["PartyInput"]["properties"])
    assert set(schemas["CompanySettings"]["properties"]) == {"name", "address"}
