"""A crashing plugin: the log names it with an incident id; the clerk and the API client see only that id."""
import re

import pytest

from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Item
from sos_serial.plugins import EXTENSION_KEY
from tests.support.web import PASSWORD, csrf_token_from

RAW = "SELECT secret_price FROM vendors WHERE id = %(id)s [parameters: {'id': 42}]"
TOLD = re.compile(r"A rule could not finish checking this save, so nothing was saved\. "
                  r"Tell your administrator incident ([0-9a-f]{8})\.")


class CrashingSerialRule:
    """A third-party rule whose serial check fails with a database error's text."""

    @hookimpl
    def validate_serial_numbers(self, item, serial_numbers):
        raise RuntimeError(RAW)


@pytest.fixture
def crash_app(clerk_app):
    return clerk_app("Mantel Clock", SOS_SERIAL_PLUGINS=[CrashingSerialRule()])


def _logged(caplog, incident: str) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if incident in r.getMessage())


def _nothing_received(app) -> None:
    with app.app_context():
        assert db.session.get(Item, app.config["TEST_ITEM"]).quantity_on_hand == 0


def test_the_api_client_is_told_the_incident_and_the_log_names_the_plugin(crash_app, caplog):
    response = crash_app.test_client().post(
        "/api/v1/transactions", headers={"Authorization": f"Bearer {crash_app.config['TEST_TOKEN']}"},
        json={"type": "item_receipt", "date": "2026-01-05", "location_id": 1,
              "lines": [{"item_id": crash_app.config["TEST_ITEM"], "quantity": 1, "serials": ["CLK-1"]}]})
    assert response.status_code == 500
    told = TOLD.fullmatch(response.json["detail"])
    assert told, response.json["detail"]
    assert "secret_price" not in response.text and "parameters" not in response.text
    logged = _logged(caplog, told.group(1))
    # Named as it was registered, as `plugins list` shows it.
    assert ("the plugin 'tests.platform.test_plugin_incidents.CrashingSerialRule' crashed in the hook "
            "validate_serial_numbers") in logged
    assert "CrashingSerialRule.validate_serial_numbers" in logged
    assert "Traceback (most recent call last)" in logged and RAW in logged
    _nothing_received(crash_app)


def test_an_installed_plugin_is_named_by_its_entry_point_name(clerk_app, caplog):
    # An installed plugin is registered under its entry point's name ("acme"), not its module's.
    app = clerk_app("Mantel Clock")
    app.extensions[EXTENSION_KEY].register(CrashingSerialRule(), name="acme")
    response = app.test_client().post(
        "/api/v1/transactions", headers={"Authorization": f"Bearer {app.config['TEST_TOKEN']}"},
        json={"type": "item_receipt", "date": "2026-01-05", "location_id": 1,
              "lines": [{"item_id": app.config["TEST_ITEM"], "quantity": 1, "serials": ["CLK-1"]}]})
    told = TOLD.fullmatch(response.json["detail"])
    assert "the plugin 'acme' crashed in the hook validate_serial_numbers" in _logged(caplog, told.group(1))


def test_the_clerk_is_told_the_incident_on_the_receipt_screen(crash_app, caplog):
    client = crash_app.test_client()
    form = client.get("/login")
    client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": csrf_token_from(form.text)})
    page = client.get("/admin/item_receipts/new/")
    response = client.post("/admin/item_receipts/new/", data={
        "csrf_token": csrf_token_from(page.text), "date": "2026-01-05", "location_id": "1",
        "lines-0-item_id": str(crash_app.config["TEST_ITEM"]), "lines-0-quantity": "1", "lines-0-serials": ["CLK-1"]})
    told = TOLD.search(response.text)
    assert told, response.text
    assert "secret_price" not in response.text and "parameters" not in response.text
    assert "CrashingSerialRule" in _logged(caplog, told.group(1))
    _nothing_received(crash_app)
