"""A plugin's API routes: under /api/v1 with the module's token auth, rights, problem+json and OpenAPI entries."""
import logging
import re

import pytest
from sqlalchemy import func, select

from sos_serial.declarations import ApiRoute
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Location
from tests.support import screens_plugin
from tests.support.api import ApiClient, assert_problem, issue_token

AUDIT = "/acme/items/{}/audit"
SHELVES = "/acme/shelves"


@pytest.fixture
def app(app_config, stock_free_app_factory):
    """This module's app loads the screens plugin of tests/support."""
    return stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[screens_plugin]))


def locations(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Location))
        db.session.remove()
    return count


def test_roles_holding_the_right_read_and_write_through_the_routes(app, world, admin, support):
    answer = support.ok("GET", AUDIT.format(world.clock))
    assert answer == {"item_id": world.clock, "name": "Armenian Mantel Clock", "track_serials": True}
    shelf = admin.ok("POST", SHELVES, {"name": "North", "aisle": 3}, status=201)
    assert shelf["name"] == "North (aisle 3)"
    with app.app_context():
        assert db.session.get(Location, shelf["id"]).name == "North (aisle 3)"


def test_without_a_token_the_routes_answer_401(anonymous, world):
    assert_problem(anonymous.get(AUDIT.format(world.clock)), 401)
    assert_problem(anonymous.post(SHELVES, {"name": "North", "aisle": 3}), 401)


def test_a_role_without_the_right_gets_403(app, clerk, world):
    before = locations(app)
    assert_problem(clerk.get(AUDIT.format(world.clock)), 403)
    assert_problem(clerk.post(SHELVES, {"name": "North", "aisle": 3}), 403)
    assert locations(app) == before


def test_bad_input_is_a_422_naming_each_field_and_unknown_fields_are_refused(app, admin):
    before = locations(app)
    body = assert_problem(admin.post(SHELVES, {"name": "", "aisle": 0, "colour": "red"}), 422,
                          "name", "aisle", "colour")
    assert {e["field"]: e["message"] for e in body["errors"]}["colour"] == "Unknown field."
    assert_problem(admin.post(SHELVES, {"aisle": 2}), 422, "name")
    assert_problem(admin.post(SHELVES, data="not json", headers={"Content-Type": "application/json"}), 400)
    assert locations(app) == before


def test_an_unknown_id_is_a_404_problem(admin):
    assert_problem(admin.get(AUDIT.format(999_999)), 404)
    assert_problem(admin.get(AUDIT.format(10**30)), 404)
    assert_problem(admin.get("/acme/nothing-here"), 404)


def test_a_route_that_crashes_answers_a_plain_500_naming_an_incident_and_saves_nothing(app, admin, caplog):
    before = locations(app)
    with caplog.at_level(logging.ERROR):
        body = assert_problem(admin.post(SHELVES, {"name": "crash", "aisle": 1}), 500)
    assert "out of paper" not in body["detail"] and "INSERT" not in body["detail"]
    incident = re.search(r"incident ([0-9a-f]{8})", body["detail"]).group(1)
    assert "nothing was saved" in body["detail"]
    logged = [r.getMessage() for r in caplog.records if incident in r.getMessage()]
    assert logged and "tests.support.screens_plugin" in logged[0] and "out of paper" in logged[0]
    assert locations(app) == before


def test_the_openapi_document_describes_the_routes_with_their_schemas(anonymous):
    document = anonymous.get("/openapi.json").get_json()
    audit = document["paths"]["/acme/items/{item_id}/audit"]["get"]
    assert audit["summary"] == "What the audit says of one item"
    assert audit["parameters"][0]["name"] == "item_id" and audit["parameters"][0]["schema"]["type"] == "integer"
    assert audit["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ItemAudit"}
    shelves = document["paths"]["/acme/shelves"]["post"]
    assert shelves["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ShelfInput"}
    assert "201" in shelves["responses"] and "422" in shelves["responses"]
    schemas = document["components"]["schemas"]
    assert set(schemas["ShelfInput"]["required"]) == {"name", "aisle"}
    assert schemas["ShelfInput"]["additionalProperties"] is False
    assert set(schemas["ItemAudit"]["properties"]) == {"item_id", "name", "track_serials"}


def test_the_document_is_valid_openapi_and_another_app_without_the_plugin_lists_none_of_it(
        anonymous, app_config, stock_free_app_factory):
    from openapi_spec_validator import validate as validate_openapi

    validate_openapi(anonymous.get("/openapi.json").get_json())
    plain = stock_free_app_factory(dict(app_config)).test_client().get("/api/v1/openapi.json").get_json()
    assert not [path for path in plain["paths"] if path.startswith("/acme")]
    assert "ShelfInput" not in plain["components"]["schemas"]


class Answering:
    """Routes answering with a dict read through the response model, with nothing, and with what the model refuses."""

    @hookimpl
    def api_routes(self):
        return [
            ApiRoute(rule="/extra/<name>", method="GET", view=lambda name: {"item_id": 7, "name": name,
                                                                            "track_serials": False},
                     right="read", summary="A dict answer", response=screens_plugin.ItemAudit),
            ApiRoute(rule="/extra", method="DELETE", view=lambda: None, right="read", summary="No content"),
            ApiRoute(rule="/extra/broken/answer", method="PUT", view=lambda: {"item_id": "seven"}, right="read",
                     summary="An answer its model refuses", response=screens_plugin.ItemAudit),
        ]


def test_a_dict_answer_is_read_through_the_model_and_none_is_no_content(app_config, stock_free_app_factory):
    extra = stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[Answering()]))
    client = ApiClient(extra.test_client(), issue_token(extra, "reader", "clerk"))
    assert client.ok("GET", "/extra/clock") == {"item_id": 7, "name": "clock", "track_serials": False}
    gone = client.request("DELETE", "/extra")
    assert gone.status_code == 204 and gone.get_data() == b""
    assert "incident" in assert_problem(client.request("PUT", "/extra/broken/answer"), 500)["detail"]
    document = client.ok("GET", "/openapi.json")
    assert document["paths"]["/extra/{name}"]["get"]["parameters"][0]["schema"] == {"type": "string"}
    assert document["paths"]["/extra"]["delete"]["responses"]["204"] == {"description": "No content"}
