"""GET /api/v1/openapi.json: valid OpenAPI 3, in step with the routes the app serves and the answers they give."""
import json
import re
from datetime import date

import pytest

from tests.support.api import API, assert_problem, line, receive, ship

METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture
def document(anonymous):
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def normalized(path: str) -> str:
    """A path with each parameter as {}: /items/{id} and /items/<int:item_id> both read /items/{}."""
    return re.sub(r"<[^>]+>", "{}", re.sub(r"\{[^}]+\}", "{}", path))


def resolve(document, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        assert schema["$ref"].startswith("#/components/schemas/"), schema
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_document_is_openapi_3(document):
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert isinstance(document["paths"], dict) and document["paths"]
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_every_route_under_the_api_is_documented_and_every_documented_one_exists(app, document):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served.add((normalized(rule.rule[len(API):]), method.lower()))
    documented = {(normalized(path), method) for path, item in document["paths"].items()
                  for method in item if method in METHODS}
    assert served - documented == set(), "served but not documented"
    assert documented - served == set(), "documented but not served"


# POSTs that act on an existing record and answer it (shared/API.md, additions of 1.1).
IN_PLACE_ACTIONS = ("/transactions/{id}/void", "/serials/{id}/renumber")


def test_every_operation_is_well_formed(document):
    for path, item in document["paths"].items():
        assert path.startswith("/"), path
        names = re.findall(r"\{([^}]+)\}", path)
        for method, op in item.items():
            assert method in METHODS, (path, method)
            where = f"{method.upper()} {path}"
            assert op.get("summary"), where
            path_params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert sorted(path_params) == sorted(names), where
            assert all(p.get("required") for p in op.get("parameters", []) if p["in"] == "path"), where
            success = [code for code in op["responses"] if code.startswith("2")]
            # A POST creates (201) or starts an action with nothing to send (202); a DELETE answers no content.
            # A POST that changes a record in place answers it as it now reads (200: API.md 1.1, the void and the renumber).
            changes_in_place = ("200",) if method == "post" and path in IN_PLACE_ACTIONS else ()
            assert len(success) == 1 and success[0] in {"post": ("201", "202"), "delete": ("204",)}.get(
                method, ("200",)) + changes_in_place, where
            assert ("requestBody" in op) == (method == "patch" or method == "post" and success != ["202"]), where
            if path != "/openapi.json":
                for code in ("400", "401", "403", "404", "409", "422"):
                    assert "application/problem+json" in op["responses"][code]["content"], (where, code)


def test_openapi_json_itself_needs_no_token_and_the_rest_do(document):
    assert document["security"] == [{"bearer": []}]
    assert document["paths"]["/openapi.json"]["get"]["security"] == []
    for path, item in document["paths"].items():
        for method, op in item.items():
            if path != "/openapi.json":
                assert op.get("security", document["security"]) == [{"bearer": []}], (method, path)


def test_every_reference_resolves(document):
    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(document, node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)


# ---------------------------------------------------------------------------- the answers match the schemas
def conforms(document, schema, value, where="$"):
    """Check ``value`` against the subset of JSON Schema the document uses; return the problems found."""
    schema = resolve(document, schema)
    problems = []
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if not conforms(document, s, value, where)]
        return [] if len(matches) == 1 else [f"{where}: {value!r} matches {len(matches)} of oneOf"]
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        checks = {"string": lambda v: isinstance(v, str), "integer": lambda v: isinstance(v, int)
                  and not isinstance(v, bool), "number": lambda v: isinstance(v, (int, float))
                  and not isinstance(v, bool), "boolean": lambda v: isinstance(v, bool),
                  "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
                  "null": lambda v: v is None}
        if not any(checks[kind](value) for kind in kinds):
            return [f"{where}: {value!r} is not {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date":
            date.fromisoformat(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where}: {name} is missing")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += conforms(document, sub, value[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, entry in enumerate(value):
            problems += conforms(document, schema["items"], entry, f"{where}[{index}]")
    return problems


def answer_schema(document, path, method, status):
    op = document["paths"][path][method]
    return next(iter(op["responses"][str(status)]["content"].values()))["schema"]


def test_answers_conform_to_the_documented_schemas(document, admin, world):
    receive(admin, world.clock, ["OA-1", "OA-2"], world.main)
    shipment = ship(admin, world.clock, ["OA-2"], world.main, world.acme)
    unit_id = admin.ok("GET", "/serials", query_string={"q": "OA-1"})["items"][0]["id"]
    admin.ok("PATCH", f"/serials/{unit_id}", {"notes": "checked"})
    calls = [
        ("/items", "post", "/items", {"name": "Schema Clock", "cost": 12.5}, 201),
        ("/items", "get", "/items", None, 200),
        ("/items/{id}", "get", f"/items/{world.clock}", None, 200),
        ("/items/{id}", "patch", f"/items/{world.oil}", {"sku": "OIL-S"}, 200),
        ("/items/{id}/available-serials", "get", f"/items/{world.clock}/available-serials", None, 200),
        ("/locations", "post", "/locations", {"name": "Schema Room"}, 201),
        ("/locations", "get", "/locations", None, 200),
        ("/locations/{id}", "get", f"/locations/{world.main}", None, 200),
        ("/customers", "post", "/customers", {"name": "Schema Buyer"}, 201),
        ("/customers/{id}", "get", f"/customers/{world.acme}", None, 200),
        ("/vendors", "post", "/vendors", {"name": "Schema Maker"}, 201),
        ("/vendors/{id}", "get", f"/vendors/{world.vendor}", None, 200),
        ("/warranties", "post", "/warranties", {"name": "Schema cover", "duration": 3, "unit": "years"}, 201),
        ("/warranties", "get", "/warranties", None, 200),
        ("/warranties/{id}", "get", f"/warranties/{world.one_year}", None, 200),
        ("/settings", "get", "/settings", None, 200),
        ("/settings", "patch", "/settings", {"plan": "plus"}, 200),
        ("/transactions", "post", "/transactions", {"type": "transfer", "date": "2026-01-06",
                                                    "location_id": world.main, "to_location_id": world.showroom,
                                                    "lines": [line(world.clock, 1, serials=["OA-1"])]}, 201),
        ("/transactions", "get", "/transactions", None, 200),
        ("/transactions/{id}", "get", f"/transactions/{shipment['id']}", None, 200),
        ("/serials", "get", "/serials", None, 200),
        ("/serials", "post", "/serials", {"item_id": world.clock, "serial_number": "OA-9",
                                          "customer_id": world.acme}, 201),
        ("/serials/{id}", "get", f"/serials/{unit_id}", None, 200),
        ("/serials/{id}", "patch", f"/serials/{unit_id}", {"warranty_start": "2026-01-01"}, 200),
        ("/serials/{id}/history", "get", f"/serials/{unit_id}/history", None, 200),
    ]
    for path, method, url, body, status in calls:
        answer = admin.ok(method.upper(), url, body, status=status) if body is not None else admin.ok(
            method.upper(), url, status=status)
        problems = conforms(document, answer_schema(document, path, method, status), answer)
        assert problems == [], (method, url, problems)


def test_problems_conform_to_the_problem_schema(document, admin, world):
    for method, url, body, status in [("GET", "/items/999999", None, 404),
                                      ("POST", "/items", {"name": ""}, 422),
                                      ("PATCH", f"/items/{world.oil}", {"value": "1.00"}, 409)]:
        response = admin.request(method, url, body) if body is not None else admin.request(method, url)
        problem = assert_problem(response, status)
        schema = document["paths"][re.sub(r"/\d+", "/{id}", url)][method.lower()]["responses"][str(status)]
        assert conforms(document, schema["content"]["application/problem+json"]["schema"], problem) == []


def test_the_packing_list_is_documented_as_html(document):
    op = document["paths"]["/transactions/{id}/packing-list"]["get"]
    assert "text/html" in op["responses"]["200"]["content"]
