"""The shapes declared once: the generated OpenAPI is valid and documents every key every endpoint answers with,
the limits are one set of numbers, and the screens and the API pick units and read history by one path."""
import re

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from sos_serial import limits
from sos_serial.extensions import db
from sos_serial.models import Item, Location, SerialUnit
from tests.support.api import API, assert_problem, line, post_doc, receive, receive_plain, ship, snapshot


@pytest.fixture
def document(admin):
    return admin.ok("GET", "/openapi.json")


def test_the_generated_document_is_valid_openapi(document):
    validate_openapi(document)


# ---------------------------------------------------------------------------- every answered key is documented
def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def undocumented(document, schema, value, where="$") -> list[str]:
    """The paths of keys in ``value`` that its schema does not name, at any depth."""
    schema = resolve(document, schema)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        fitting = [option for option in options if _fits(document, option, value)]
        return undocumented(document, fitting[0], value, where) if fitting else [f"{where}: fits no option"]
    found = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        # A map (such as an edit's changes by field) documents its keys by the schema of its values.
        others = schema.get("additionalProperties")
        for key, entry in value.items():
            if key in properties:
                found += undocumented(document, properties[key], entry, f"{where}.{key}")
            elif isinstance(others, dict):
                found += undocumented(document, others, entry, f"{where}.{key}")
            else:
                found.append(f"{where}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, entry in enumerate(value):
            found += undocumented(document, schema["items"], entry, f"{where}[{index}]")
    return found


def _fits(document, schema, value) -> bool:
    return not list(validator_for(document, schema).iter_errors(value))


def validator_for(document, schema):
    # The answer's schema, with the document's components beside it so that its references resolve.
    return jsonschema.Draft202012Validator({**schema, "components": document["components"]})


def documented_answer(document, path, method, status):
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    return content["application/json"]["schema"]


@pytest.fixture
def populated(admin, world):
    """Every kind of record an answer can hold: units in stock, shipped, returned, built, added, edited, and a
    webhook whose deliveries failed (nothing listens on the discard port)."""
    webhook = admin.ok("POST", "/webhooks", {"url": "http://127.0.0.1:9/hook", "secret": "s",
                                             "events": ["transaction.posted"]}, status=201)
    receive(admin, world.clock, ["DOC-1", "DOC-2", "DOC-3"], world.main, unit_cost="100.10")
    receive_plain(admin, world.oil, 5, world.main)
    shipment = ship(admin, world.clock, ["DOC-2", "DOC-3"], world.main, world.acme)
    post_doc(admin, type="return", location_id=world.main, customer_id=world.acme,
             lines=[line(world.clock, 1, serials=["DOC-3"])])
    post_doc(admin, type="build", location_id=world.main, memo="a batch",
             lines=[line(world.oil, 1, role="input"), line(world.grandfather, 1, role="output", serials=["GF-1"])])
    added = admin.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "OLD-1",
                                          "customer_id": world.baker}, status=201)
    edited = admin.ok("GET", "/serials", query_string={"q": "DOC-1"})["items"][0]
    admin.ok("PATCH", f"/serials/{edited['id']}", {"notes": "checked", "warranty_start": "2026-01-01"})
    count = admin.ok("POST", "/stock-counts", {"location_id": world.showroom}, status=201)
    return {"transaction": shipment["id"], "unit": edited["id"], "added": added["id"], "webhook": webhook["id"],
            "count": count["id"]}


def test_every_key_every_endpoint_answers_with_is_documented(app, admin, world, populated, document):
    ids = {"items": world.clock, "locations": world.main, "customers": world.acme, "vendors": world.vendor,
           "warranties": world.one_year, "transactions": populated["transaction"], "serials": populated["unit"],
           "webhooks": populated["webhook"], "stock-counts": populated["count"]}
    calls = []
    for rule in app.url_map.iter_rules():
        # The packing list is a page, labels a PDF or ZPL (tests/api/test_api_labels.py), and openapi.json the
        # document itself (checked above by the validator).
        if rule.rule.startswith(API + "/") and "GET" in rule.methods and \
                not rule.rule.endswith(("packing-list", "labels", "openapi.json")):
            path = re.sub(r"<(?:\w+:)?\w+>", "{id}", rule.rule[len(API):])
            url = path.replace("{id}", str(ids.get(path.split("/")[1], 1)))
            calls.append((path, "get", url, None, 200))
    calls += [
        ("/items", "post", "/items", {"name": "Shape Clock", "sku": "SHP-1", "cost": "3.5"}, 201),
        ("/items/{id}", "patch", f"/items/{world.oil}", {"description": "ten ml"}, 200),
        ("/locations", "post", "/locations", {"name": "Shape Room"}, 201),
        ("/warranties", "post", "/warranties", {"name": "Shape cover", "duration": 2, "unit": "years",
                                                "terms": "parts"}, 201),
        ("/settings", "patch", "/settings", {"sales": {"show_warranty_on_serial_units": False}}, 200),
        ("/transactions", "post", "/transactions", {"type": "transfer", "date": "2026-01-07",
                                                    "location_id": world.main, "to_location_id": world.showroom,
                                                    "lines": [line(world.clock, 1, serials=["DOC-1"])]}, 201),
        ("/serials", "post", "/serials", {"item_id": world.grandfather, "serial_number": "GF-9",
                                          "location_id": world.main, "unit_cost": 10}, 201),
        ("/serials/{id}", "patch", f"/serials/{populated['added']}", {"notes": "old stock"}, 200),
        ("/webhooks", "post", "/webhooks", {"url": "https://example.com/h", "secret": "x",
                                            "events": ["transaction.posted"]}, 201),
        ("/webhooks/{id}/retry", "post", f"/webhooks/{populated['webhook']}/retry", None, 202),
        ("/stock-counts", "post", "/stock-counts", {"location_id": world.main}, 201),
        ("/stock-counts/{id}/scans", "post", f"/stock-counts/{populated['count']}/scans",
         {"serials": ["DOC-1", "GF-1", "NOPE-1", "DOC-1", ""]}, 201),
        ("/stock-counts/{id}/close", "post", f"/stock-counts/{populated['count']}/close",
         {"confirm": True, "date": "2026-01-08", "unknown_item_id": world.clock}, 201),
    ]
    assert len(calls) >= 20
    for path, method, url, body, status in calls:
        answer = admin.ok(method.upper(), url, body, status=status) if body is not None else admin.ok(
            method.upper(), url, status=status)
        assert answer, (method, url)
        schema = documented_answer(document, path, method, status)
        assert undocumented(document, schema, answer) == [], (method, url)
        errors = [f"{list(error.absolute_path)}: {error.message}"
                  for error in validator_for(document, schema).iter_errors(answer)]
        assert errors == [], (method, url)


def test_the_walk_notices_a_key_the_document_leaves_out(admin, world, populated, document):
    unit = admin.ok("GET", f"/serials/{populated['unit']}")
    schema = documented_answer(document, "/serials/{id}", "get", 200)
    assert undocumented(document, schema, {**unit, "colour": "red"}) == ["$.colour"]
    history = admin.ok("GET", f"/serials/{populated['unit']}/history")
    assert any("changes" in row for row in history) and "recorded_at" in history[0]
    schema = documented_answer(document, "/serials/{id}/history", "get", 200)
    assert undocumented(document, schema, [{**history[0], "by": "x"}]) == ["$[0].by"]


# ---------------------------------------------------------------------------- limits in one place
def max_length(schema: dict):
    """A text field's documented maxLength, also where the field may be null."""
    return schema.get("maxLength") or next((o["maxLength"] for o in schema.get("anyOf", []) if "maxLength" in o), None)


def test_each_length_limit_is_one_number_for_the_column_the_schema_and_the_refusal(app, admin, world, document):
    schemas = document["components"]["schemas"]
    for shape, field, column, limit in [("ItemInput", "name", Item.__table__.c.name, limits.ITEM_NAME_MAX_LENGTH),
                                        ("ItemInput", "sku", Item.__table__.c.sku, limits.SKU_MAX_LENGTH),
                                        ("NamedInput", "name", Location.__table__.c.name, limits.NAME_MAX_LENGTH)]:
        assert column.type.length == limit, column
        assert max_length(schemas[shape]["properties"][field]) == limit, (shape, field)
    assert SerialUnit.__table__.c.serial_number.type.length == limits.SERIAL_MAX_LENGTH
    before = snapshot(app)
    assert_problem(admin.post("/items", {"name": "x" * (limits.ITEM_NAME_MAX_LENGTH + 1)}), 422, "name")
    assert_problem(admin.post("/locations", {"name": "x" * (limits.NAME_MAX_LENGTH + 1)}), 422, "name")
    assert_problem(admin.get("/serials", query_string={"item_id": str(limits.MAX_ID + 1)}), 422, "item_id")
    assert snapshot(app) == before
    assert admin.ok("POST", "/items", {"name": "x" * limits.ITEM_NAME_MAX_LENGTH}, status=201)


def test_the_quantity_and_id_limits_are_documented_as_enforced(admin, world, document):
    line_schema = document["components"]["schemas"]["TransactionLineInput"]["properties"]
    assert line_schema["quantity"]["maximum"] == limits.MAX_QUANTITY
    assert line_schema["item_id"]["maximum"] == limits.MAX_ID
    page = next(p for p in document["paths"]["/serials"]["get"]["parameters"] if p["name"] == "per_page")
    assert page["schema"]["maximum"] == limits.MAX_PER_PAGE
    body = assert_problem(post_doc(admin, status=None, type="item_receipt", location_id=world.main,
                                   lines=[line(world.oil, limits.MAX_QUANTITY + 1)]), 422, "lines[0].quantity")
    assert f"{limits.MAX_QUANTITY:,}" in body["detail"]


# ---------------------------------------------------------------------------- POST /transactions, like the others
@pytest.mark.parametrize("where, change, field", [
    ("document", {"colour": "red"}, "colour"),
    ("document", {"status": "posted"}, "status"),
    ("line", {"serial": "X-1"}, "lines[0].serial"),
])
def test_posting_refuses_an_unknown_field_like_the_other_endpoints(app, admin, world, where, change, field):
    doc = {"type": "item_receipt", "date": "2026-01-05", "location_id": world.main,
           "lines": [{"item_id": world.oil, "quantity": 1}]}
    if where == "line":
        doc["lines"][0].update(change)
    else:
        doc.update(change)
    before = snapshot(app)
    body = assert_problem(admin.post("/transactions", doc), 422, field)
    assert [e["field"] for e in body["errors"]] == [field]
    assert snapshot(app) == before
    assert_problem(admin.post("/locations", {"name": "Elsewhere", "colour": "red"}), 422, "colour")


# ---------------------------------------------------------------------------- one picker, one history
def test_the_api_picker_takes_units_from_where_each_kind_of_document_takes_them(admin, world):
    receive(admin, world.clock, ["PK-1", "PK-2", "PK-3", "PK-4"], world.main)
    ship(admin, world.clock, ["PK-2", "PK-3"], world.main, world.acme)
    post_doc(admin, type="rental", location_id=world.main, customer_id=world.baker,
             lines=[line(world.clock, 1, serials=["PK-4"])])

    def picked(**query):
        page = admin.ok("GET", f"/items/{world.clock}/available-serials", query_string=query)
        return [unit["serial_number"] for unit in page["items"]], page["total"]

    assert picked() == (["PK-1"], 1)
    assert picked(type="shipment", location_id=world.main) == (["PK-1"], 1)
    assert picked(type="return", customer_id=world.acme) == (["PK-2", "PK-3"], 2)
    assert picked(type="return", customer_id=world.acme, q="pk-3") == (["PK-3"], 1)
    assert picked(type="return", customer_id=world.baker) == ([], 0)
    assert picked(type="rental_return", customer_id=world.baker) == (["PK-4"], 1)
    assert_problem(admin.get(f"/items/{world.clock}/available-serials", query_string={"type": "sale"}), 422, "type")
    assert_problem(admin.get(f"/items/{world.clock}/available-serials",
                             query_string={"type": "return", "customer_id": 999_999}), 422, "customer_id")


def test_the_screen_picker_and_the_api_picker_offer_the_same_units(admin, login, world):
    receive(admin, world.clock, ["SAME-1", "SAME-2", "SAME-3"], world.main)
    ship(admin, world.clock, ["SAME-2"], world.main, world.acme)
    browser = login("clerk", "screen-clerk")
    for kind, endpoint, place in [("shipment", "shipments", {"location_id": world.main}),
                                  ("return", "returns", {"customer_id": world.acme})]:
        on_screen = browser.get(f"/admin/{endpoint}/serial-options/", query_string={
            "item_id": world.clock, "type": kind, **place}).get_json()
        by_api = admin.ok("GET", f"/items/{world.clock}/available-serials", query_string={"type": kind, **place})
        assert [u["serial_number"] for u in on_screen] == [u["serial_number"] for u in by_api["items"]], kind
        assert [u["id"] for u in on_screen] == [u["id"] for u in by_api["items"]], kind


def test_a_units_history_reads_the_same_on_the_screen_and_in_the_api(app, admin, login, world):
    receive(admin, world.clock, ["HIS-1"], world.main)
    ship(admin, world.clock, ["HIS-1"], world.main, world.acme)
    unit = admin.ok("GET", "/serials", query_string={"q": "HIS-1"})["items"][0]
    admin.ok("PATCH", f"/serials/{unit['id']}", {"notes": "boxed"})
    rows = admin.ok("GET", f"/serials/{unit['id']}/history")
    assert [row["transaction_type"] for row in rows] == ["item_receipt", "shipment", "edit"]
    page = login("admin", "screen-admin").get("/admin/serial_inventory/history/", query_string={"id": unit["id"]}).text
    shown = [page.index(label) for label in ("Item receipt", "Shipment", "Edited")]
    assert shown == sorted(shown)
    with app.app_context():
        from sos_serial.engine.queries import unit_history

        assert [row.transaction_type for row in unit_history(db.session, unit["id"])] == \
            [row["transaction_type"] for row in rows]
