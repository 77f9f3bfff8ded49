"""Token auth and role rights of the JSON API (API.md "Conventions" and "Who may do what")."""
import re

import pytest

from sos_serial.extensions import db
from sos_serial.models import User
from tests.support.api import API, ApiClient, assert_problem, each_case, issue_token, line, receive, ship, snapshot


def api_routes(app):
    """(method, rule) of every route under /api/v1 except the public openapi.json."""
    return [(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith(API + "/")
            and not rule.rule.endswith("/openapi.json") for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def concrete(rule_text: str) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", "1", rule_text)


# ---------------------------------------------------------------------------- authentication
def test_openapi_document_needs_no_token(anonymous):
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


def test_every_route_refuses_a_missing_bad_or_malformed_token(app, client, world):
    def check(header):
        headers = {} if header is None else {"Authorization": header}
        for method, rule_text in api_routes(app):
            response = client.open(concrete(rule_text), method=method, headers=headers, json={"name": "x"})
            body = assert_problem(response, 401)
            assert "Bearer" in response.headers.get("WWW-Authenticate", ""), (method, rule_text)
            assert "token" in body["detail"].lower()

    each_case([
        None, "", "Bearer", "Bearer ", "Bearer    ", "Bearer not-a-token", "Basic YWRtaW46cHc=", "sos_abcdef",
        "Token sos_abcdef", "Bearer sos_abc def",
    ], check)


def test_a_refused_token_writes_nothing(app, client, world):
    before = snapshot(app)
    bad = ApiClient(client, "sos_forged")
    assert_problem(bad.post("/items", {"name": "Sneaky Clock"}), 401)
    assert_problem(bad.patch("/settings", {"plan": "companion"}), 401)
    assert_problem(bad.post("/transactions", {"type": "item_receipt", "date": "2026-01-05",
                                              "location_id": world.main, "lines": [line(world.oil, 5)]}), 401)
    assert snapshot(app) == before


def test_the_token_of_a_deactivated_user_stops_working(app, client, tokens):
    clerk_api = ApiClient(client, tokens["clerk"])
    assert clerk_api.get("/items").status_code == 200
    with app.app_context():
        db.session.query(User).filter_by(username="clerk").one().active = False
        db.session.commit()
    assert_problem(clerk_api.get("/items"), 401)


def test_a_token_issued_by_the_cli_works_for_its_user(app, client, runner):
    created = runner.invoke(args=["users", "create", "scanner", "--role", "clerk", "--password", "long enough pw"])
    assert created.exit_code == 0, created.output
    issued = runner.invoke(args=["users", "token", "scanner"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    scanner = ApiClient(client, token)
    assert scanner.get("/items").status_code == 200
    created_item = scanner.ok("POST", "/items", {"name": "Scanned Clock"}, status=201)
    assert created_item["name"] == "Scanned Clock"
    # A clerk's token carries the clerk's rights, no more.
    assert_problem(scanner.patch("/settings", {"plan": "plus"}), 403)


def test_each_issued_token_is_distinct_and_all_stay_valid(app, client):
    first = issue_token(app, "twice", "support")
    second = issue_token(app, "twice")
    assert first != second
    for token in (first, second):
        assert ApiClient(client, token).get("/settings").status_code == 200


def test_an_unknown_api_path_answers_problem_json(admin, anonymous):
    assert_problem(admin.get("/no-such-thing"), 404)
    assert_problem(admin.request("DELETE", "/items"), 405)
    assert_problem(anonymous.get("/no-such-thing"), 404)


# ---------------------------------------------------------------------------- roles
@pytest.fixture
def records(admin, world):
    """Ids to aim role checks at: an in-stock unit, a shipment, and the world's master data."""
    receive(admin, world.clock, ["R-1", "R-2"], world.main)
    shipment = ship(admin, world.clock, ["R-2"], world.main, world.acme)
    unit = admin.ok("GET", "/serials", query_string={"q": "R-1"})["items"][0]
    count = admin.ok("POST", "/stock-counts", {"location_id": world.main}, status=201)
    return {"item_id": world.clock, "unit_id": unit["id"], "transaction_id": shipment["id"], "count_id": count["id"],
            "warranty_id": world.one_year, "/locations/": world.main, "/customers/": world.acme,
            "/vendors/": world.vendor}


# Reads only administrators may make (API.md 1.1: webhooks are the administrator's; so is the audit log).
ADMIN_ONLY_READS = (f"{API}/webhooks", f"{API}/audit")


def fill_ids(rule_text: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        if name == "record_id":
            collection = next(key for key in ids if key.startswith("/") and key in rule_text)
            return str(ids[collection])
        return str(ids[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule_text)[len(API):]


@pytest.mark.parametrize("role", ["admin", "clerk", "support"])
def test_every_role_reads_everything(app, api, records, role):
    client = api(role)
    reads = [rule for method, rule in api_routes(app) if method == "GET" and not rule.startswith(ADMIN_ONLY_READS)]
    assert len(reads) >= 15
    for rule_text in reads:
        response = client.get(fill_ids(rule_text, records))
        assert response.status_code == 200, (role, rule_text, response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["clerk", "support"])
def test_only_administrators_read_the_webhooks(app, api, records, role):
    hook = api("admin").ok("POST", "/webhooks", {"url": "https://example.com/h", "secret": "s",
                                                  "events": ["transaction.posted"]}, status=201)
    for rule_text in [rule for method, rule in api_routes(app) if method == "GET" and rule.startswith(ADMIN_ONLY_READS)]:
        assert_problem(api(role).get(fill_ids(rule_text, {**records, "webhook_id": hook["id"]})), 403)
        assert api("admin").get(fill_ids(rule_text, {**records, "webhook_id": hook["id"]})).status_code == 200


def write_requests(world, records):
    """(name, method, path, body) of one sensible request per write the contract lists."""
    unit = records["unit_id"]
    return {
        "create item": ("POST", "/items", {"name": "Role Test Clock", "cost": "10.00"}),
        "change item": ("PATCH", f"/items/{world.oil}", {"sku": "ROLE-1"}),
        "create location": ("POST", "/locations", {"name": "Back Room"}),
        "create customer": ("POST", "/customers", {"name": "Dalton Antiques"}),
        "create vendor": ("POST", "/vendors", {"name": "Geneva Movements"}),
        "create warranty": ("POST", "/warranties", {"name": "90 days", "duration": 90, "unit": "days"}),
        "change settings": ("PATCH", "/settings", {"sales": {"show_warranty_on_serial_units": False}}),
        "post transaction": ("POST", "/transactions", {"type": "item_receipt", "date": "2026-01-05",
                                                       "location_id": world.main, "lines": [line(world.oil, 2)]}),
        "create serial unit": ("POST", "/serials", {"item_id": world.clock, "serial_number": "R-NEW",
                                                    "location_id": world.main}),
        "edit serial notes": ("PATCH", f"/serials/{unit}", {"notes": "Dented case"}),
        "edit warranty dates": ("PATCH", f"/serials/{unit}", {"warranty_start": "2026-02-01",
                                                              "warranty_end": "2027-02-01"}),
    }


ALLOWED = {
    "admin": {"create item", "change item", "create location", "create customer", "create vendor",
              "create warranty", "change settings", "post transaction", "create serial unit", "edit serial notes",
              "edit warranty dates"},
    "clerk": {"create item", "change item", "create location", "create customer", "create vendor",
              "post transaction", "create serial unit", "edit serial notes", "edit warranty dates"},
    "support": {"edit serial notes", "edit warranty dates"},
}


@pytest.mark.parametrize("role", ["admin", "clerk", "support"])
def test_role_rights_follow_the_contract_table(app, api, world, records, role):
    client = api(role)
    writes = write_requests(world, records)
    assert set(writes) == ALLOWED["admin"]
    for write, (method, path, body) in writes.items():
        before = snapshot(app)
        response = client.request(method, path, body)
        if write in ALLOWED[role]:
            assert response.status_code in (200, 201), (role, write, response.get_data(as_text=True))
            assert snapshot(app) != before, (role, write)
        else:
            problem = assert_problem(response, 403)
            assert role in problem["detail"], (role, write)
            assert snapshot(app) == before, (role, write)


def test_support_cannot_change_a_units_locked_fields(app, support, records):
    def check(field, value):
        before = snapshot(app)
        assert_problem(support.patch(f"/serials/{records['unit_id']}", {field: value, "notes": "sneaky"}), 409, field)
        assert snapshot(app) == before

    each_case([("status", "shipped"), ("location_id", 2), ("unit_cost", "1.00"),
               ("serial_number", "R-9"), ("item_id", 2), ("customer_id", 1)], check)
