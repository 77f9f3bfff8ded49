"""What the support role reads through the API (issue 11, row 14): serial units, items and customers, no costs.

Support signed in walks every route of the API's URL map: the reads of serial units (their history and
pickers), items and customers answer 200 with every cost and value null; every other route (locations,
vendors, warranty definitions, every transaction list and document, the packing list, settings,
webhooks) is a 403 naming the role, and a refused write writes nothing.
"""
from __future__ import annotations

import re

import pytest

from sos_serial.api.rights import PUBLIC_ENDPOINTS, route_right
from sos_serial.security.auth import RIGHTS
from tests.support.api import API, assert_problem, receive, ship, snapshot

COST_KEYS = {"cost", "value", "unit_cost"}
SUPPORT_READS = {"api.list_serials", "api.get_serial", "api.serial_history", "api.available_serials",
                 "api.list_items", "api.get_item", "api.list_customers", "api.get_customers"}


@pytest.fixture
def ids(admin, world) -> dict:
    """An id for each path variable: a unit in stock, a shipment, a webhook and the world's records."""
    receive(admin, world.clock, ["SR-1", "SR-2"], world.main, unit_cost="99.00")
    shipment = ship(admin, world.clock, ["SR-2"], world.main, world.acme)
    unit = admin.ok("GET", "/serials", query_string={"q": "SR-1"})["items"][0]
    hook = admin.ok("POST", "/webhooks", {"url": "https://example.com/h", "secret": "s",
                                          "events": ["transaction.posted"]}, status=201)
    return {"unit_id": unit["id"], "item_id": world.clock, "transaction_id": shipment["id"],
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


def test_the_support_role_holds_the_reads_the_readme_gives_it_and_no_more():
    assert {endpoint for endpoint in SUPPORT_READS if route_right(endpoint) in RIGHTS["support"]} == SUPPORT_READS


def test_support_walks_every_read_and_gets_only_serial_units_items_and_customers(app, support, ids):
    reads = [(endpoint, fill(rule, ids)) for endpoint, method, rule in routes(app) if method == "GET"]
    assert len(reads) >= 20
    answered = set()
    for endpoint, path in reads:
        response = support.get(path)
        if endpoint in SUPPORT_READS:
            assert response.status_code == 200, (path, response.get_data(as_text=True))
            assert costs_in(response.get_json()) == [], (path, costs_in(response.get_json()))
            answered.add(endpoint)
        else:
            problem = assert_problem(response, 403)
            assert "support" in problem["detail"], path
    assert answered == SUPPORT_READS


def test_the_clerk_reads_the_same_answers_with_their_costs(clerk, support, ids):
    for path in (f"/serials/{ids['unit_id']}", f"/items/{ids['item_id']}", "/items", "/serials"):
        clerks, supports = clerk.ok("GET", path), support.ok("GET", path)
        assert costs_in(clerks), path
        assert not costs_in(supports), path
        # The same keys: support's answer keeps the contract's shape, its costs null.
        assert set(clerks) == set(supports), path
    assert clerk.ok("GET", f"/serials/{ids['unit_id']}")["unit_cost"] == "99.00"
    assert support.ok("GET", f"/serials/{ids['unit_id']}")["unit_cost"] is None


def test_support_may_not_write_past_its_warranty_corrections(app, support, ids):
    writes = [(method, fill(rule, ids)) for endpoint, method, rule in routes(app)
              if method != "GET" and endpoint != "api.change_serial"]
    assert len(writes) >= 12
    before = snapshot(app)
    for method, path in writes:
        assert_problem(support.request(method, path, {}), 403)
    assert snapshot(app) == before


def test_support_is_refused_the_settings_and_every_transaction_read(support, ids):
    for path in ("/settings", "/transactions", f"/transactions/{ids['transaction_id']}",
                 f"/transactions/{ids['transaction_id']}/packing-list", "/vendors", "/locations", "/warranties"):
        assert_problem(support.get(path), 403)
