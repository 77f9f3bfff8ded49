"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the shapes in schemas/ and one table of paths."""
from __future__ import annotations

from functools import cache

from flask import current_app, jsonify
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from sos_serial.limits import MAX_ID

from . import bp
from .schemas.audit import AuditPage, AuditQuery
from .schemas.common import PageQuery, Problem
from .schemas.items import Item, ItemChange, ItemInput, ItemPage
from .schemas.labels import LabelQuery, SerialLabelsQuery
from .schemas.master_data import (
    Named,
    NamedChange,
    NamedInput,
    NamedPage,
    Party,
    PartyChange,
    PartyInput,
    PartyPage,
    Warranty,
    WarrantyInput,
    WarrantyPage,
)
from .schemas.serials import (
    AvailableSerialsQuery,
    HistoryEntry,
    SerialQuery,
    SerialRenumber,
    SerialUnit,
    SerialUnitChange,
    SerialUnitInput,
    SerialUnitPage,
)
from .schemas.settings import Settings
from .schemas.stock_counts import (
    CloseAnswer,
    CloseInput,
    CountChange,
    CountListQuery,
    ListedSerialPage,
    ScanAnswerBody,
    ScanBatch,
    StockCount,
    StockCountInput,
    StockCountPage,
)
from .schemas.transactions import Transaction, TransactionInput, TransactionPage, VoidInput
from .schemas.webhooks import DeliveryPage, RetryAnswer, Webhook, WebhookInput, WebhookPage

REF = "#/components/schemas/{model}"


# (path, method, summary, request body, answer, status, query). The answer is a shape, a list of one, "html",
# "labels" (a PDF, or ZPL as text), "paper" (a page or its PDF, as the request's Accept header prefers), or None
# for no content.
PATHS = [
    ("/items", "get", "List items", None, ItemPage, 200, PageQuery),
    ("/items", "post", "Create an item", ItemInput, Item, 201, None),
    ("/items/{id}", "get", "One item", None, Item, 200, None),
    ("/items/{id}", "patch", "Change an item", ItemChange, Item, 200, None),
    ("/items/{id}/available-serials", "get", "Units a document may pick: of the item, where the document takes them "
     "from", None, SerialUnitPage, 200, AvailableSerialsQuery),
    *[entry for collection, (page, given, change, answer) in (
        ("locations", (NamedPage, NamedInput, NamedChange, Named)),
        ("customers", (PartyPage, PartyInput, PartyChange, Party)),
        ("vendors", (PartyPage, PartyInput, PartyChange, Party))) for entry in (
        (f"/{collection}", "get", f"List {collection}", None, page, 200, PageQuery),
        (f"/{collection}", "post", f"Add a {collection[:-1]}", given, answer, 201, None),
        (f"/{collection}/{{id}}", "get", f"One {collection[:-1]}", None, answer, 200, None),
        (f"/{collection}/{{id}}", "patch", f"Change a {collection[:-1]}", change, answer, 200, None))],
    ("/warranties", "get", "List warranties", None, WarrantyPage, 200, PageQuery),
    ("/warranties", "post", "Define a warranty", WarrantyInput, Warranty, 201, None),
    ("/warranties/{id}", "get", "One warranty", None, Warranty, 200, None),
    ("/settings", "get", "The settings", None, Settings, 200, None),
    ("/settings", "patch", "Change some settings", Settings, Settings, 200, None),
    ("/transactions", "get", "List transactions, newest first", None, TransactionPage, 200, PageQuery),
    ("/transactions", "post", "Post a transaction", TransactionInput, Transaction, 201, None),
    ("/transactions/{id}", "get", "One transaction", None, Transaction, 200, None),
    ("/transactions/{id}/void", "post", "Void a posted document: its units, stock, value and cost layers go back "
     "to where it found them; 409 when a unit moved since or it is voided already", VoidInput, Transaction, 200,
     None),
    ("/transactions/{id}/packing-list", "get", "A shipment's packing list: a page, or a PDF when the request's "
     "Accept header prefers application/pdf", None, "paper", 200, None),
    ("/transactions/{id}/labels", "get", "Labels for the document's units, one each, on the settings' label "
     "layout", None, "labels", 200, LabelQuery),
    ("/serials/labels", "get", "Labels for the units named by id, in that order, or for the units the filters find", None, "labels", 200,
     SerialLabelsQuery),
    ("/serials", "get", "Search serial units", None, SerialUnitPage, 200, SerialQuery),
    ("/serials", "post", "Add one unit at a location or a historical unit at a customer", SerialUnitInput,
     SerialUnit, 201, None),
    ("/serials/{id}", "get", "One serial unit", None, SerialUnit, 200, None),
    ("/serials/{id}", "patch", "Correct warranty dates and notes", SerialUnitChange, SerialUnit, 200, None),
    ("/serials/{id}/renumber", "post", "Correct the unit's serial number (clerks and administrators); the "
     "history keeps the old and new serial, who and why", SerialRenumber, SerialUnit, 200, None),
    ("/serials/{id}/history", "get", "The unit's history, oldest first", None, [HistoryEntry], 200, None),
    ("/webhooks", "get", "List webhooks (administrators)", None, WebhookPage, 200, PageQuery),
    ("/webhooks", "post", "Register a webhook (administrators)", WebhookInput, Webhook, 201, None),
    ("/webhooks/{id}", "delete", "Remove a webhook and its deliveries", None, None, 204, None),
    ("/webhooks/{id}/deliveries", "get", "The webhook's deliveries, newest first", None, DeliveryPage, 200,
     PageQuery),
    ("/webhooks/{id}/retry", "post", "Attempt every undelivered delivery again now", None, RetryAnswer, 202, None),
    ("/stock-counts", "get", "List stock counts, newest first", None, StockCountPage, 200, PageQuery),
    ("/stock-counts", "post", "Start a count at a location (one open count per location)", StockCountInput,
     StockCount, 201, None),
    ("/stock-counts/{id}", "get", "A count: its totals as the units stand now, and the documents its close posted",
     None, StockCount, 200, None),
    ("/stock-counts/{id}/scans", "post", "Scan serials into an open count; each scan's result, then the totals",
     ScanBatch, ScanAnswerBody, 201, None),
    ("/stock-counts/{id}/serials", "get", "One page of a count's counted, missing or found serials", None,
     ListedSerialPage, 200, CountListQuery),
    ("/stock-counts/{id}/close", "post", "Close a count, posting a transfer in per other location, an adjustment "
     "out for the missing units and an adjustment in for the units found", CloseInput, CloseAnswer, 201, None),
    ("/stock-counts/{id}", "patch", "Cancel an open count (status: cancelled); nothing is posted", CountChange,
     StockCount, 200, None),
    ("/audit", "get", "The audit log, newest first (administrators)", None, AuditPage, 200, AuditQuery),
]
# app.extensions key: the plugins' routes of that app, as PATHS entries, each with its path variables last
# ((name, "int" | "string"), ...). The document is made once per set of routes, so one app's plugins
# never show in another app's document.
PLUGIN_PATHS_KEY = "sos_serial.api_plugin_paths"
# The records whose answers carry an ETag, and whose PATCH honours If-Match (api/versions.py).
VERSIONED_PATHS = ("/items/{id}", "/locations/{id}", "/customers/{id}", "/vendors/{id}", "/settings", "/serials/{id}",
                   "/serials/{id}/renumber")
ETAG_HEADER = {"ETag": {"description": "the version of the record as answered; send it back in If-Match to "
                                       "change the record only if it still reads so", "schema": {"type": "string"}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "the ETag of the record as you read it: a record changed since is a 409 and nothing "
                           "is written (a serial unit also takes its version in the body). Without it the change "
                           "is applied whatever changed since, last write winning: clients should send it."}
PROBLEMS = ((400, "Malformed request"), (401, "Missing or bad token"), (403, "The role may not do this"),
            (404, "Unknown id"), (409, "Conflicts with the current state"), (422, "Invalid values"),
            (429, "Too many refused tokens from this address; see Retry-After"),
            (503, "Another save held the write lock too long; nothing was saved (see Retry-After)"))


class OpenApiSchema(GenerateJsonSchema):
    """JSON Schema as OpenAPI 3.1 reads it: a nullable value is a list of types, not an anyOf, where it can be."""

    def nullable_schema(self, schema):
        inner = self.generate_inner(schema["schema"])
        kind = inner.get("type")
        if isinstance(kind, str) and "$ref" not in inner:
            nullable = {**inner, "type": [kind, "null"]}
            if "enum" in inner:
                nullable["enum"] = [*inner["enum"], None]
            return nullable
        return super().nullable_schema(schema)

    def default_schema(self, schema):
        # "Left out" is spelled None in a PATCH shape; the schema says so by not requiring the field, and
        # states no default that the field's own type would refuse.
        json_schema = super().default_schema(schema)
        if json_schema.get("default", ...) is None and not _takes_null(json_schema):
            del json_schema["default"]
        return json_schema

    def field_title_should_be_set(self, schema) -> bool:
        return False


def _takes_null(schema: dict) -> bool:
    kinds = schema.get("type")
    return kinds == "null" or (isinstance(kinds, list) and "null" in kinds) or any(
        _takes_null(option) for option in schema.get("anyOf", []))


def _ref(shape) -> dict:
    return {"$ref": REF.format(model=shape.__name__)}


def _answer(answer) -> dict:
    """The content of an answer, by media type."""
    if answer == "html":
        return {"text/html": {"schema": {"type": "string"}}}
    if answer == "paper":
        return {"text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}}
    if answer == "labels":
        return {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
                "text/plain": {"schema": {"type": "string", "description": "ZPL, one ^XA…^XZ format per label"}}}
    if isinstance(answer, list):
        return {"application/json": {"schema": {"type": "array", "items": _ref(answer[0])}}}
    return {"application/json": {"schema": _ref(answer)}}


def _parameters(path: str, query, variables=()) -> list[dict]:
    parameters = []
    if "{id}" in path and not variables:
        parameters.append({"name": "id", "in": "path", "required": True,
                           "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}})
    for name, kind in variables:
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID} if kind == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if query is not None:
        schema = query.model_json_schema(schema_generator=OpenApiSchema)
        for name, field in schema["properties"].items():
            # A query argument is absent rather than null.
            if isinstance(field.get("type"), list):
                field["type"] = next(kind for kind in field["type"] if kind != "null")
            if "enum" in field:
                field["enum"] = [value for value in field["enum"] if value is not None]
            if field.get("default", ...) is None:
                del field["default"]
            description = field.pop("description", None) or query.model_fields[name].description
            parameter = {"name": name, "in": "query", "schema": field}
            if description:
                parameter["description"] = description
            parameters.append(parameter)
    return parameters


def _operation(path, summary, body, answer, status, query, variables=()) -> dict:
    if answer is None:
        answered = {"description": "No content"}
    else:
        answered = {"description": "OK", "content": _answer(answer)}
    operation = {"summary": summary, "parameters": _parameters(path, query, variables), "responses": {
        str(status): answered,
        **{str(code): {"description": text, "content": {"application/problem+json": {"schema": _ref(Problem)}}}
           for code, text in PROBLEMS}}}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    return operation


def _schemas(paths) -> dict:
    shapes = {Problem}
    for _path, _method, _summary, body, answer, _status, _query, *_variables in paths:
        if body is not None:
            shapes.add(body)
        if answer not in ("html", "labels", "paper", None):
            shapes.add(answer[0] if isinstance(answer, list) else answer)
    # Bodies are read (validation), answers written (serialization): each shape is documented as it is used.
    bodies = {body for _path, _method, _summary, body, *_ in paths if body is not None}
    keyed = [(shape, "validation" if shape in bodies else "serialization")
             for shape in sorted(shapes, key=lambda shape: shape.__name__)]
    _, top = models_json_schema(keyed, ref_template=REF, schema_generator=OpenApiSchema)
    return top["$defs"]


@cache
def shape_names() -> frozenset[str]:
    """The names the module's shapes take in the document's components (a plugin's must differ)."""
    return frozenset(_schemas(PATHS))


@cache
def document(plugin_paths: tuple = ()) -> dict:
    """The document of the module's routes and ``plugin_paths`` (the entries of one app's plugins)."""
    paths: dict[str, dict] = {}
    for path, method, summary, body, answer, status, query, *variables in (*PATHS, *plugin_paths):
        paths.setdefault(path, {})[method] = _operation(path, summary, body, answer, status, query,
                                                        variables[0] if variables else ())
    for path in VERSIONED_PATHS:
        for method, operation in paths.get(path, {}).items():
            ok = operation["responses"]["200"]
            ok["headers"] = ETAG_HEADER
            if method == "patch":
                operation["parameters"] = [*operation["parameters"], IF_MATCH]
    paths["/openapi.json"] = {"get": {"summary": "This OpenAPI document; needs no token", "parameters": [],
                                      "security": [], "responses": {"200": {"description": "OK", "content": {
                                          "application/json": {"schema": {"type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "sos-serial", "version": "1",
                 "description": "Serial-number inventory: items, serial units, warranties and transactions."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": _schemas((*PATHS, *plugin_paths))},
        "paths": paths,
    }


# The model whose custom fields each shape carries; the shapes shared by locations, customers and vendors
# keep an open object, their fields listed in its description.
CUSTOM_FIELD_SHAPES = {"Item": "item", "ItemInput": "item", "ItemChange": "item", "SerialUnit": "serial_unit",
                       "SerialUnitInput": "serial_unit", "SerialUnitChange": "serial_unit",
                       "Transaction": "transaction", "TransactionSummary": "transaction",
                       "TransactionInput": "transaction"}
SHARED_SHAPES = ("Named", "NamedInput", "NamedChange", "Party", "PartyInput", "PartyChange")
ANSWERS = ("Item", "SerialUnit", "Transaction", "TransactionSummary")


def field_schema(field, limit: int) -> dict:
    """One declared custom field as JSON Schema."""
    schema = {"text": {"type": "string", "maxLength": limit}, "number": {"type": "number"},
              "date": {"type": "string", "format": "date"}, "boolean": {"type": "boolean"},
              "choice": {"type": "string", "enum": list(field.choices)}}[field.type]
    words = field.label + (" (required)" if field.required else "") + (" (locked)" if field.locked else "")
    return {**schema, "description": f"{words}{': ' + field.description if field.description else ''}"}


def with_custom_fields(doc: dict, fields) -> dict:
    """``doc`` with each shape's ``custom_fields`` listing the app's declared fields by name.

    The object stays open (``additionalProperties``): the values of a plugin since switched off stay
    in the records and are answered as they were stored.
    """
    from copy import deepcopy

    from sos_serial.limits import CUSTOM_FIELD_TEXT_MAX_LENGTH

    doc = deepcopy(doc)
    schemas = doc["components"]["schemas"]
    for name, model in CUSTOM_FIELD_SHAPES.items():
        prop = schemas.get(name, {}).get("properties", {}).get("custom_fields")
        if prop is None or not fields.of(model):
            continue
        declared = {f.name: field_schema(f, CUSTOM_FIELD_TEXT_MAX_LENGTH) for f in fields.of(model)}
        if name not in ANSWERS:
            # In a request body, null clears a field.
            declared = {key: {**schema, "type": [schema["type"], "null"],
                              **({"enum": [*schema["enum"], None]} if "enum" in schema else {})}
                        for key, schema in declared.items()}
        # Still open to other names: a plugin switched off leaves its values in the records.
        prop["properties"] = declared
    listed = "; ".join(f"{model}s: " + ", ".join(f"{f.name} ({f.type})" for f in fields.of(model))
                       for model in ("location", "customer", "vendor") if fields.of(model))
    for name in SHARED_SHAPES:
        prop = schemas.get(name, {}).get("properties", {}).get("custom_fields")
        if prop is not None and listed:
            prop["description"] = f"{prop.get('description', '')}. Declared here: {listed}"
    return doc


@bp.get("/openapi.json")
def openapi():
    from .reading import custom_fields

    return jsonify(with_custom_fields(document(current_app.extensions.get(PLUGIN_PATHS_KEY, ())), custom_fields()))
