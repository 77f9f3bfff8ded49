"""What the support role may do through the API: read everything, change only warranty dates and notes.

shared/API.md, the contract outside clients are written against, gives support every read of the API
("read everything") and, of the writes, PATCH of serial units' warranty dates and notes. Support signed
in walks every route of the API's URL map: every read but the administrator's (webhooks) answers 200,
with the same answer a clerk gets; every write but its own is a 403 naming the role, writing nothing.
Support's screens show less (serial units, items and customers, no costs): tests/views/test_support_role_screens.py.
"""
from __future__ import annotations

import re

import pytest

from sos_serial.api.rights import PUBLIC_ENDPOINTS, route_right
from sos_serial.security.auth import RIGHTS
from tests.support.api import API, assert_problem, receive, ship, snapshot

COST_KEYS = {"cost", "value", "unit_cost"}
# The administrator's reads: the webhooks, their deliveries and the audit log.
ADMIN_READS = {"api.list_webhooks", "api.list_deliveries", "api.list_audit_entries"}


@pytest.fixture
def ids(admin, world) -> dict:
    """An id for each path variable: a unit in stock, a shipment, a webhook, a stock count and the world's records."""
    receive(admin, world.clock, ["SR-1", "SR-2"], world.main, unit_cost="99.00")
    shipment = ship(admin, world.clock, ["SR-2"], world.main, world.acme)
    unit = admin.ok("GET", "/serials", query_string={"q": "SR-1"})["items"][0]
    hook = admin.ok("POST", "/webhooks", {"url": "https://example.com/h", "secret": "s",
                                          "events": ["transaction.posted"]}, status=201)
    count = admin.ok("POST", "/stock-counts", {"location_id": world.main}, status=201)
    return {"unit_id": unit["id"], "item_id": world.clock, "transaction_id": shipment["id"], "count_id": count["id"],
            "warranty_id": world.one_year, "webhook_id": hook["id"], "locations": world.main,
            "customers": world.acme, "vendors": world.vendor}


def routes(app):
    """(endpoint, method, path under /api/v1 with ids filled in) for every route of the module's API."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in PUBLIC_ENDPOINTS:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, rule.rule


def fill(rule_text: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        if name == "record_id":
            return str(ids[rule_text.split("/")[3]])
        return str(ids[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule_text)[len(API):]


def costs_in(answer) -> list:
    """Every cost or value the answer carries, wherever it sits."""
    found = []
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key in COST_KEYS and value is not None:
                found.append((key, value))
            elif key != "custom_fields":
                found.extend(costs_in(value))
    elif isinstance(answer, list):
        for each in answer:
            found.extend(costs_in(each))
    return found


def test_support_walks_every_read_and_gets_what_a_clerk_gets(app, clerk, support, ids):
    reads = [(endpoint, fill(rule, ids)) for endpoint, method, rule in routes(app) if method == "GET"]
    assert len(reads) >= 20
    answered = 0
    for endpoint, path in reads:
        response = support.get(path)
        if endpoint in ADMIN_READS:
            problem = assert_problem(response, 403)
            assert "support" in problem["detail"], path
            continue
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        assert response.get_data() == clerk.get(path).get_data(), path
        answered += 1
    assert answered == len(reads) - len(ADMIN_READS)


def test_support_reads_costs_and_values_in_the_api_as_the_contract_says(support, ids):
    assert support.ok("GET", f"/serials/{ids['unit_id']}")["unit_cost"] == "99.00"
    assert costs_in(support.ok("GET", f"/items/{ids['item_id']}"))


def test_every_read_of_the_api_is_open_to_support_by_the_route_map(app):
    reads = {endpoint for endpoint, method, _ in routes(app) if method == "GET"}
    assert {endpoint for endpoint in reads if route_right(endpoint) not in RIGHTS["support"]} == ADMIN_READS


def test_support_may_not_write_past_its_warranty_corrections(app, support, ids):
    writes = [(method, fill(rule, ids)) for endpoint, method, rule in routes(app)
              if method != "GET" and endpoint != "api.change_serial"]
    assert len(writes) >= 12
    before = snapshot(app)
    for method, path in writes:
        assert_problem(support.request(method, path, {}), 403)
    assert snapshot(app) == before
