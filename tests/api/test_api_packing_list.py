"""GET /transactions/{id}/packing-list: a shipment's serials, and its warranties when the sales setting is on."""
import html

import pytest

from tests.support.api import assert_problem, line, post_doc, receive, receive_plain, ship


@pytest.fixture
def shipment(clerk, world):
    receive(clerk, world.clock, ["PL-1", "PL-2", "PL-3"], world.main)
    receive(clerk, world.grandfather, ["GF-1"], world.main)
    receive_plain(clerk, world.oil, 5, world.main)
    return post_doc(clerk, type="shipment", date="2028-01-31", location_id=world.main, customer_id=world.acme,
                    lines=[line(world.clock, 2, serials=["PL-2", "PL-1"]), line(world.grandfather, 1, serials=["GF-1"]),
                           line(world.oil, 2)])


def packing_list(client, document) -> str:
    response = client.get(f"/transactions/{document['id']}/packing-list")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "clerk", "support"])
def test_the_packing_list_lists_each_lines_serials_and_warranties(api, shipment, role):
    page = packing_list(api(role), shipment)
    assert shipment["number"] in page
    assert "Acme Clocks" in page
    for text in ("Armenian Mantel Clock", "Grandfather Clock", "Clock Oil 10 ml", "PL-1", "PL-2", "GF-1"):
        assert text in page, text
    assert "PL-3" not in page
    # Each unit's warranty: name, start (the shipment date) and end (a short month ends on its last day).
    for text in ("1 year parts and labor", "2028-01-31", "2029-01-31", "1 month", "2028-02-29"):
        assert text in page, text


def test_warranties_are_left_out_when_the_sales_setting_is_off(admin, clerk, shipment):
    admin.ok("PATCH", "/settings", {"sales": {"show_warranty_on_serial_units": False}})
    page = packing_list(clerk, shipment)
    for text in ("PL-1", "PL-2", "GF-1", "Armenian Mantel Clock"):
        assert text in page, text
    for text in ("1 year parts and labor", "1 month", "2029-01-31", "2028-02-29", "Warranty"):
        assert text not in page, text
    admin.ok("PATCH", "/settings", {"sales": {"show_warranty_on_serial_units": True}})
    assert "1 year parts and labor" in packing_list(clerk, shipment)


def test_the_packing_list_shows_corrected_warranty_dates(support, world, shipment):
    unit = support.ok("GET", "/serials", query_string={"q": "PL-1", "item_id": world.clock})["items"][0]
    support.ok("PATCH", f"/serials/{unit['id']}", {"warranty_end": "2030-06-30"})
    assert "2030-06-30" in packing_list(support, shipment)


def test_serials_are_escaped_in_the_page(clerk, world):
    receive(clerk, world.clock, ["<b>PL-X</b>"], world.main)
    document = ship(clerk, world.clock, ["<b>PL-X</b>"], world.main, world.baker)
    page = packing_list(clerk, document)
    assert "<b>PL-X</b>" not in page
    assert html.escape("<b>PL-X</b>", quote=False) in page


@pytest.mark.parametrize("kind", ["item_receipt", "transfer", "pick_ticket", "rental"])
def test_only_shipments_have_packing_lists(clerk, world, kind):
    document = receive_plain(clerk, world.oil, 2, world.main)
    if kind != "item_receipt":
        document = post_doc(clerk, type=kind, location_id=world.main, to_location_id=world.showroom,
                            customer_id=world.acme, lines=[line(world.oil, 1)])
    assert_problem(clerk.get(f"/transactions/{document['id']}/packing-list"), 404)


def test_a_packing_list_needs_a_token(anonymous, shipment):
    assert_problem(anonymous.get(f"/transactions/{shipment['id']}/packing-list"), 401)
