"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API, kept beside its routes."""
from flask import jsonify

from sos_serial.models.serial_unit import STATUSES
from sos_serial.models.document_kind import KIND_CODES

from . import bp

MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2,4}$", "examples": ["149.99"]}
MONEY_IN = {"oneOf": [{"type": "number"}, {"type": "string"}], "description": "a JSON number or a decimal string"}
ID = {"type": "integer", "minimum": 1}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(name):
    return {"type": "object", "required": ["items", "total", "page", "per_page"], "properties": {
        "items": {"type": "array", "items": _ref(name)}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "per_page": {"type": "integer", "maximum": 500}}}


SCHEMAS = {
    "Problem": {"type": "object", "required": ["type", "title", "status", "detail", "errors"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "errors": {"type": "array", "items": {
            "type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}},
    "Item": {"type": "object", "properties": {
        "id": ID, "name": {"type": "string"}, "sku": {"type": ["string", "null"]},
        "description": {"type": ["string", "null"]}, "track_serials": {"type": "boolean"},
        "warranty_id": NULLABLE_ID, "cost": MONEY, "quantity_on_hand": {"type": "integer"}, "value": MONEY}},
    "ItemInput": {"type": "object", "additionalProperties": False, "properties": {
        "name": {"type": "string", "maxLength": 200}, "sku": {"type": ["string", "null"], "maxLength": 64},
        "description": {"type": ["string", "null"]}, "track_serials": {"type": "boolean"},
        "warranty_id": NULLABLE_ID, "cost": MONEY_IN}},
    "Named": {"type": "object", "properties": {"id": ID, "name": {"type": "string"}}},
    "NamedInput": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "maxLength": 120}, "notes": {"type": ["string", "null"]}}},
    "Warranty": {"type": "object", "properties": {
        "id": ID, "name": {"type": "string"}, "duration": {"type": "integer", "minimum": 1},
        "unit": {"enum": ["days", "months", "years"]}, "terms": {"type": ["string", "null"]}}},
    "WarrantyInput": {"type": "object", "required": ["name", "duration", "unit"], "properties": {
        "name": {"type": "string"}, "duration": {"type": "integer", "minimum": 1},
        "unit": {"enum": ["days", "months", "years"]}, "terms": {"type": ["string", "null"]}}},
    "Settings": {"type": "object", "properties": {
        "plan": {"enum": ["companion", "plus", "pro"]},
        "inventory": {"type": "object", "properties": {
            "value_serials_by_specific_id": {"type": "boolean"}, "valuation_method": {"enum": ["fifo", "average"]}}},
        "purchasing": {"type": "object", "properties": {
            "auto_serial_enabled": {"type": "boolean"}, "auto_serial_prefix": {"type": "string"},
            "auto_serial_length": {"type": "integer", "minimum": 1, "maximum": 18},
            "auto_serial_mode": {"enum": ["sequential", "random"]},
            "auto_serial_next_number": {"type": "integer", "minimum": 0}}},
        "sales": {"type": "object", "properties": {"show_warranty_on_serial_units": {"type": "boolean"}}}}},
    "TransactionLineInput": {"type": "object", "required": ["item_id", "quantity"], "properties": {
        "item_id": ID, "quantity": {"type": "integer", "not": {"const": 0}}, "unit_cost": MONEY_IN,
        "role": {"enum": ["input", "output"]}, "serials": {"type": "array", "items": {"type": "string"}},
        "auto_serials": {"type": "boolean"}, "serials_csv": {"type": "string"}}},
    "TransactionInput": {"type": "object", "required": ["type", "date", "lines"], "properties": {
        "type": {"enum": list(KIND_CODES)}, "date": DATE, "vendor_id": ID, "customer_id": ID,
        "location_id": ID, "to_location_id": ID, "memo": {"type": "string"},
        "lines": {"type": "array", "minItems": 1, "items": _ref("TransactionLineInput")}}},
    "Transaction": {"type": "object", "properties": {
        "id": ID, "type": {"enum": list(KIND_CODES)}, "number": {"type": "string"}, "date": DATE,
        "vendor_id": NULLABLE_ID, "customer_id": NULLABLE_ID, "location_id": NULLABLE_ID,
        "to_location_id": NULLABLE_ID, "memo": {"type": ["string", "null"]},
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "id": ID, "item_id": ID, "quantity": {"type": "integer"}, "unit_cost": {"oneOf": [MONEY, {"type": "null"}]},
            "cost": MONEY, "role": {"enum": ["input", "output", None]},
            "serials": {"type": "array", "items": {"type": "string"}}}}}}},
    "SerialUnit": {"type": "object", "properties": {
        "id": ID, "item_id": ID, "item_name": {"type": "string"}, "serial_number": {"type": "string"},
        "status": {"enum": list(STATUSES)}, "location_id": NULLABLE_ID, "customer_id": NULLABLE_ID,
        "unit_cost": MONEY, "warranty_id": NULLABLE_ID, "warranty_name": {"type": ["string", "null"]},
        "warranty_start": NULLABLE_DATE, "warranty_end": NULLABLE_DATE, "notes": {"type": ["string", "null"]},
        "version": {"type": "integer"}}},
    "SerialUnitInput": {"type": "object", "required": ["item_id", "serial_number"], "properties": {
        "item_id": ID, "serial_number": {"type": "string", "maxLength": 64}, "location_id": ID, "customer_id": ID,
        "unit_cost": MONEY_IN, "warranty_start": DATE, "warranty_end": DATE, "notes": {"type": "string"}}},
    "SerialUnitPatch": {"type": "object", "properties": {
        "warranty_start": NULLABLE_DATE, "warranty_end": NULLABLE_DATE, "notes": {"type": ["string", "null"]},
        "version": {"type": "integer", "description": "the version read; a stale one is a 409"}}},
    "HistoryEntry": {"type": "object", "properties": {
        "date": DATE, "transaction_id": NULLABLE_ID, "transaction_type": {"type": "string"},
        "status": {"enum": list(STATUSES)}, "location_id": NULLABLE_ID, "customer_id": NULLABLE_ID,
        "user_id": NULLABLE_ID, "changes": {"type": "object"}}},
}
for _name in ("Item", "Named", "Warranty", "Transaction", "SerialUnit"):
    SCHEMAS[f"{_name}Page"] = _page_of(_name)

PROBLEMS = {str(code): {"description": text, "content": {"application/problem+json": {"schema": _ref("Problem")}}}
            for code, text in ((400, "Malformed request"), (401, "Missing or bad token"),
                               (403, "The role may not do this"), (404, "Unknown id"),
                               (409, "Conflicts with the current state"), (422, "Invalid values"))}
PAGE_PARAMS = [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
               {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1}}]


def _id_param(name="id"):
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _query(*names):
    return [{"name": n, "in": "query", "schema": {"type": "string" if n in ("q", "status") else "integer"}}
            for n in names]


def _op(summary, response, status="200", body=None, params=(), media="application/json"):
    op = {"summary": summary, "parameters": list(params),
          "responses": {status: {"description": "OK", "content": {media: {"schema": response}}}, **PROBLEMS}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _named_paths(collection, label):
    return {f"/{collection}": {"get": _op(f"List {label}", _ref("NamedPage"), params=PAGE_PARAMS),
                               "post": _op(f"Add a {label[:-1]}", _ref("Named"), "201", _ref("NamedInput"))},
            f"/{collection}/{{id}}": {"get": _op(f"One {label[:-1]}", _ref("Named"), params=[_id_param()])}}


PATHS = {
    "/items": {"get": _op("List items", _ref("ItemPage"), params=PAGE_PARAMS),
               "post": _op("Create an item", _ref("Item"), "201", _ref("ItemInput"))},
    "/items/{id}": {"get": _op("One item", _ref("Item"), params=[_id_param()]),
                    "patch": _op("Change an item", _ref("Item"), body=_ref("ItemInput"), params=[_id_param()])},
    "/items/{id}/available-serials": {"get": _op(
        "Units of the item in stock (at a location), for pickers", _ref("SerialUnitPage"),
        params=[_id_param(), *_query("location_id", "q"), *PAGE_PARAMS])},
    **_named_paths("locations", "locations"), **_named_paths("customers", "customers"),
    **_named_paths("vendors", "vendors"),
    "/warranties": {"get": _op("List warranties", _ref("WarrantyPage"), params=PAGE_PARAMS),
                    "post": _op("Define a warranty", _ref("Warranty"), "201", _ref("WarrantyInput"))},
    "/warranties/{id}": {"get": _op("One warranty", _ref("Warranty"), params=[_id_param()])},
    "/settings": {"get": _op("The settings", _ref("Settings")),
                  "patch": _op("Change some settings", _ref("Settings"), body=_ref("Settings"))},
    "/transactions": {"get": _op("List transactions, newest first", _ref("TransactionPage"), params=PAGE_PARAMS),
                      "post": _op("Post a transaction", _ref("Transaction"), "201", _ref("TransactionInput"))},
    "/transactions/{id}": {"get": _op("One transaction", _ref("Transaction"), params=[_id_param()])},
    "/transactions/{id}/packing-list": {"get": _op("A shipment's packing list", {"type": "string"},
                                                   params=[_id_param()], media="text/html")},
    "/serials": {"get": _op("Search serial units", _ref("SerialUnitPage"),
                            params=[*_query("item_id", "status", "location_id", "customer_id", "q"), *PAGE_PARAMS]),
                 "post": _op("Add one unit at a location or a historical unit at a customer", _ref("SerialUnit"),
                             "201", _ref("SerialUnitInput"))},
    "/serials/{id}": {"get": _op("One serial unit", _ref("SerialUnit"), params=[_id_param()]),
                      "patch": _op("Correct warranty dates and notes", _ref("SerialUnit"),
                                   body=_ref("SerialUnitPatch"), params=[_id_param()])},
    "/serials/{id}/history": {"get": _op("The unit's history, oldest first",
                                         {"type": "array", "items": _ref("HistoryEntry")}, params=[_id_param()])},
    "/openapi.json": {"get": {"summary": "This OpenAPI document; needs no token", "parameters": [], "security": [],
                              "responses": {"200": {"description": "OK", "content": {
                                  "application/json": {"schema": {"type": "object"}}}}}}},
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "sos-serial", "version": "1",
             "description": "Serial-number inventory: items, serial units, warranties and transactions."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
    "paths": PATHS,
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
