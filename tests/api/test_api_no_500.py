"""No request, however malformed, gets a 500: a sweep of every API route with hostile input.

The routes come from the app's URL map, so a new endpoint is swept without editing this file;
the body fields tried on each write come from that operation's schema in openapi.json.
"""
import re

import pytest

from tests.support.api import API, assert_problem, line, receive, receive_plain, ship, snapshot

JUNK = [None, True, False, 0, -1, 1.5, 2**31, 2**70, -(2**70), 1e308, "", " ", "abc", "-1", "1e999", "NaN",
        "2026-13-01", "20260101", "x" * 100_000, "ünïcødé ✓ 𝄞 中文", "\x00", "a\tb\n", [], [None], {}, {"x": [{}]}]
WHOLE_BODIES = [None, "not json {", "[]", "null", "123", '"text"', "[{}]", "{}", '{"": null}', "{" * 100 + "}" * 100]
QUERIES = [{"page": "0"}, {"page": "-1"}, {"page": "abc"}, {"page": str(2**70)}, {"per_page": "abc"},
           {"per_page": "0"}, {"per_page": "-5"}, {"per_page": str(10**30)}, {"page": "1.5"},
           {"item_id": "abc"}, {"item_id": "-3"}, {"item_id": str(2**70)}, {"item_id": "0"},
           {"location_id": "x"}, {"location_id": str(2**70)}, {"customer_id": "[]"}, {"status": "bogus"},
           {"status": ""}, {"q": "x" * 10_000}, {"q": "ünïcødé 𝄞"}, {"q": "%_"}, {"q": "\x00"}, {"q": " "}]
PATH_IDS = ["0", "1", "999999", str(2**31), str(2**63), str(2**70), "-1", "abc", "1.5"]


def api_rules(app):
    """(rule text, method) of every route the app registers under /api/v1."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.rule, method))
    return found


def fill(rule_text, value):
    return re.sub(r"<(?:\w+:)?\w+>", value, rule_text)[len(API):]


def body_fields(document, path, method):
    """The top-level and (for transactions) line field names of an operation's request body."""
    op = document["paths"].get(path, {}).get(method.lower(), {})
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    schema = resolve(document, schema)
    fields = {name: None for name in schema.get("properties", {})}
    for group, group_schema in schema.get("properties", {}).items():
        group_schema = resolve(document, group_schema)
        for name in group_schema.get("properties", {}):  # nested settings groups
            fields[f"{group}.{name}"] = None
        items = resolve(document, group_schema.get("items", {}))
        for name in items.get("properties", {}):  # transaction lines
            fields[f"{group}[0].{name}"] = None
    return list(fields)


def resolve(document, schema):
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def with_value(base, field, value):
    """A copy of ``base`` with ``field`` (a.b or lines[0].x) set to ``value``."""
    body = {key: ([dict(x) for x in v] if isinstance(v, list) and v and isinstance(v[0], dict)
                  else dict(v) if isinstance(v, dict) else v) for key, v in base.items()}
    match = re.fullmatch(r"(\w+)\[0\]\.(\w+)", field)
    if match:
        group, name = match.groups()
        lines = body.get(group) if isinstance(body.get(group), list) and body.get(group) else [{}]
        lines[0][name] = value
        body[group] = lines
    elif "." in field:
        group, name = field.split(".", 1)
        body[group] = {name: value}
    else:
        body[field] = value
    return body


@pytest.fixture
def stocked(admin, world):
    """Some history to point the sweep at: units in stock, shipped, and a shipment document."""
    receive(admin, world.clock, ["SW-1", "SW-2", "SW-3"], world.main)
    receive_plain(admin, world.oil, 10, world.main)
    return ship(admin, world.clock, ["SW-3"], world.main, world.acme)


def valid_body(world, path, method):
    """A plausible body per write route, so junk in one field is checked beside sensible others."""
    return {
        "/items": {"name": "Sweep Item", "cost": "1.00"},
        "/items/<int:item_id>": {"name": "Renamed"},
        "/warranties": {"name": "Sweep warranty", "duration": 1, "unit": "days"},
        "/settings": {"purchasing": {"auto_serial_prefix": "SW"}},
        "/transactions": {"type": "shipment", "date": "2026-02-01", "location_id": world.main,
                          "customer_id": world.acme, "lines": [line(world.clock, 1, serials=["SW-1"])]},
        "/serials": {"item_id": world.clock, "serial_number": "SWEEP-NEW", "location_id": world.main},
        "/serials/<int:unit_id>": {"notes": "sweep"},
    }.get(path[len(API):], {"name": "Sweep name"} if method == "POST" else {})


def sweep(app, client, stocked, world, method_filter):
    document = client.ok("GET", "/openapi.json")
    failures = []

    def check(method, url, **kwargs):
        response = client.request(method, url, **kwargs)
        if response.status_code >= 500:
            failures.append((method, url, repr(kwargs)[:200], response.status_code))
        elif response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (method, url, kwargs, response.status_code)

    for rule_text, method in api_rules(app):
        if not method_filter(method):
            continue
        has_id = "<" in rule_text
        urls = [fill(rule_text, value) for value in PATH_IDS] if has_id else [rule_text[len(API):]]
        for url in urls:
            check(method, url)
        url = fill(rule_text, "1") if has_id else rule_text[len(API):]
        if method == "GET":
            for query in QUERIES:
                check(method, url, query_string=query)
            continue
        openapi_path = re.sub(r"<(?:\w+:)?\w+>", "{id}", rule_text)[len(API):]
        base = valid_body(world, rule_text, method)
        for raw in WHOLE_BODIES:
            check(method, url, data=raw, headers={"Content-Type": "application/json"})
        check(method, url, data="name=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
        for field in body_fields(document, openapi_path, method):
            for value in JUNK:
                check(method, url, json=with_value(base, field, value))
    return failures


def test_no_read_answers_500_to_hostile_paths_and_queries(app, admin, stocked, world):
    failures = sweep(app, admin, stocked, world, lambda method: method == "GET")
    assert failures == []


def test_no_write_answers_500_to_hostile_bodies(app, admin, stocked, world):
    failures = sweep(app, admin, stocked, world, lambda method: method != "GET")
    assert failures == []


@pytest.mark.parametrize("role", ["clerk", "support"])
def test_no_write_answers_500_for_other_roles_either(app, api, role, stocked, world):
    failures = sweep(app, api(role), stocked, world, lambda method: method != "GET")
    assert failures == []


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Bearer x", "Basic abc", "bearer " + "x" * 10_000,
                                    "Bearer ünï", "Bearer \x7f", "Token abc def"])
def test_no_route_answers_500_to_bad_authorization(app, client, stocked, header):
    for rule_text, method in api_rules(app):
        url = fill(rule_text, "1")
        response = client.open(url, method=method, headers={"Authorization": header}, json={})
        assert response.status_code < 500, (method, url, header)


# ---------------------------------------------------------------------------- what the sweep found, pinned down
@pytest.mark.parametrize("path, body, field", [
    ("/locations", {"name": "Back\x00Room"}, "name"),
    ("/items", {"name": "Clock", "sku": "A\x00"}, "sku"),
    ("/transactions", {"type": "item_receipt", "date": "2026-01-05", "location_id": 1,
                       "lines": [{"item_id": 1, "quantity": 1, "serials": ["NUL\x00"]}]}, "lines[0].serials[0]"),
    ("/transactions", {"type": "item_receipt", "date": "2026-01-05", "location_id": 1, "memo": "\x00",
                       "lines": [{"item_id": 3, "quantity": 1}]}, "memo"),
])
def test_a_nul_character_is_a_422_naming_where_it_is(app, admin, world, path, body, field):
    before = snapshot(app)
    assert_problem(admin.post(path, body), 422, field)
    assert snapshot(app) == before


def test_ids_past_the_database_range_are_unknown(admin, world):
    for path in ("/items/2147483648", f"/serials/{2**63}", f"/transactions/{2**70}/packing-list",
                 f"/items/{2**70}/available-serials"):
        assert_problem(admin.get(path), 404)
    assert_problem(admin.get("/serials", query_string={"item_id": str(2**70)}), 422, "item_id")
    assert_problem(admin.get("/serials", query_string={"page": str(2**40)}), 422, "page")
    assert_problem(admin.post("/items", {"name": "Far", "warranty_id": 2**31}), 422, "warranty_id")
    assert_problem(admin.post("/warranties", {"name": "Forever", "duration": 2**31, "unit": "days"}), 422, "duration")
