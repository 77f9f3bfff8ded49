"""Tasks 5 and 7: the posting log as an admin page under its own permission, and as an API route."""
import pytest
import sos_serial_acme

pytestmark = pytest.mark.sos_serial_app(plugins=[sos_serial_acme])


def _receipt(item, location, serials) -> dict:
    return {"type": "item_receipt", "date": "2026-01-05", "location_id": location.id,
            "lines": [{"item_id": item.id, "quantity": len(serials), "serials": serials}]}


@pytest.fixture
def posted(sos_api, sos_make):
    clock, main = sos_make.item("Wall Clock"), sos_make.location("Main Warehouse")
    return sos_api("clerk").ok("POST", "/transactions", _receipt(clock, main, ["W-1", "W-2"]), status=201)


# ---------------------------------------------------------------- task 5: an admin page, its permission
def test_the_posting_log_page_lists_postings_to_a_role_holding_its_permission(sos_web, posted):
    page = sos_web("clerk").get("/admin/acme_posting_log/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert posted["number"] in text
    # In the module's layout, under its Integrations menu.
    assert "Integrations" in text and "Serial inventory" in text


def test_the_page_and_its_menu_entry_are_hidden_from_a_role_without_it(sos_web):
    support = sos_web("support")
    assert support.get("/admin/acme_posting_log/").status_code == 403
    assert "Acme posting log" not in support.get("/admin/").get_data(as_text=True)


# ---------------------------------------------------------------- task 7: an API route
def test_the_posting_log_route_answers_with_the_log(sos_api, posted):
    log = sos_api("clerk").ok("GET", "/acme/postings")
    assert [(p["transaction_id"], p["units"]) for p in log["postings"]] == [(posted["id"], 2)]


def test_the_route_needs_the_permission_and_a_token(sos_api, sos_client):
    refused = sos_api("support").get("/acme/postings")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert sos_client.get("/api/v1/acme/postings").status_code == 401


def test_the_route_is_described_in_the_openapi_document(sos_api):
    document = sos_api("clerk").ok("GET", "/openapi.json")
    answer = document["paths"]["/acme/postings"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PostingLog"}
