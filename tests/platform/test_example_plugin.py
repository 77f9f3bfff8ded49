"""A third-party plugin package, installed like any other, adds its rules through the entry point group."""
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from sos_serial.extensions import db
from sos_serial.models import Item
from sos_serial.plugins import EXTENSION_KEY

PLUGIN_SOURCE = Path(__file__).resolve().parents[2] / "examples" / "sos-serial-acme"


# Runs before the package is put on sys.path below (tests run in file order).
def test_plugin_is_absent_without_the_package(app):
    names = {name for name, _ in app.extensions[EXTENSION_KEY].list_name_plugin()}
    assert "acme" not in names
    assert "serial_unit_locks" in names


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(PLUGIN_SOURCE)], check=True, capture_output=True)
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    yield target
    sys.path.remove(str(target))
    for name in [name for name in sys.modules if name.split(".")[0] == "sos_serial_acme"]:
        sys.modules.pop(name)
    importlib.invalidate_caches()


@pytest.fixture
def plugin_app(installed_plugin, clerk_app):
    app = clerk_app("Armenian Mantel Clock", ACME_SERIAL_PATTERNS={"Armenian Mantel Clock": r"CLK-\d{4}"})
    # The plugin's own table (its posting log) comes with its migration branch, taken away afterwards:
    # PostgreSQL's database is shared by the whole run.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    yield app
    assert runner.invoke(args=["db", "downgrade", "acme@base"]).exit_code == 0


def test_plugin_loads_from_the_entry_point_group(plugin_app):
    manager = plugin_app.extensions[EXTENSION_KEY]
    assert "acme" in {name for name, _ in manager.list_name_plugin()}
    assert manager.get_plugin("acme").__name__ == "sos_serial_acme"


def _receipt(app, serials):
    return app.test_client().post("/api/v1/transactions", headers={"Authorization": f"Bearer {app.config['TEST_TOKEN']}"},
                                  json={"type": "item_receipt", "date": "2026-01-05", "location_id": 1, "lines": [
                                      {"item_id": app.config["TEST_ITEM"], "quantity": len(serials), "serials": serials}]})


def test_plugin_refuses_serials_off_pattern_through_the_api(plugin_app):
    response = _receipt(plugin_app, ["CLK-0001", "clock-2"])
    assert response.status_code == 422
    assert "must look like CLK-\\d{4}" in response.json["detail"] and "clock-2" in response.json["detail"]
    assert response.json["errors"][0]["field"] == "lines[0].serials"
    with plugin_app.app_context():
        assert db.session.get(Item, plugin_app.config["TEST_ITEM"]).quantity_on_hand == 0


def test_plugin_allows_serials_on_pattern(plugin_app):
    response = _receipt(plugin_app, ["CLK-0001", "CLK-0002"])
    assert response.status_code == 201, response.json
    assert response.json["lines"][0]["serials"] == ["CLK-0001", "CLK-0002"]


def test_plugin_refuses_serials_off_pattern_on_the_receipt_screen(plugin_app):
    from tests.support.web import PASSWORD, csrf_token_from

    client = plugin_app.test_client()
    form = client.get("/login")
    client.post("/login", data={"username": "clerk", "password": PASSWORD,
                                "csrf_token": csrf_token_from(form.text)})
    page = client.get("/admin/item_receipts/new/")
    response = client.post("/admin/item_receipts/new/", data={
        "csrf_token": csrf_token_from(page.text), "date": "2026-01-05", "location_id": "1",
        "lines-0-item_id": str(plugin_app.config["TEST_ITEM"]), "lines-0-quantity": "1",
        "lines-0-serials": ["clock-9"]})
    assert response.status_code == 422
    assert "must look like CLK-\\d{4}; these do not: clock-9" in response.text
    with plugin_app.app_context():
        assert db.session.get(Item, plugin_app.config["TEST_ITEM"]).quantity_on_hand == 0


def test_plugin_lets_units_received_before_the_rule_ship(plugin_app):
    from sos_serial.models import Customer

    with plugin_app.app_context():
        db.session.add(Customer(name="Acme"))
        db.session.commit()
    patterns = plugin_app.config["ACME_SERIAL_PATTERNS"]
    plugin_app.config["ACME_SERIAL_PATTERNS"] = {}  # before the rule was set up
    assert _receipt(plugin_app, ["clock-1"]).status_code == 201
    plugin_app.config["ACME_SERIAL_PATTERNS"] = patterns
    assert _receipt(plugin_app, ["clock-2"]).status_code == 422
    response = plugin_app.test_client().post(
        "/api/v1/transactions", headers={"Authorization": f"Bearer {plugin_app.config['TEST_TOKEN']}"},
        json={"type": "shipment", "date": "2026-01-06", "location_id": 1, "customer_id": 1, "lines": [
            {"item_id": plugin_app.config["TEST_ITEM"], "quantity": 1, "serials": ["clock-1"]}]})
    assert response.status_code == 201, response.json


def test_an_installed_plugin_is_listed_with_its_distribution_and_can_be_switched_off(plugin_app):
    runner = plugin_app.test_cli_runner()
    listed = runner.invoke(args=["plugins", "list"]).output
    assert "acme  [third-party, on]  sos_serial_acme  (sos-serial-acme 1.0.0)" in listed
    assert "    validate_serial_numbers: fail_closed (wrapper, tryfirst) -> " in listed
    assert runner.invoke(args=["plugins", "disable", "acme"]).exit_code == 0
    listed = runner.invoke(args=["plugins", "list"]).output
    assert "acme  [third-party, switched off]  sos_serial_acme  (sos-serial-acme 1.0.0)" in listed
    # Switched off, its rule no longer refuses serials off the pattern.
    response = _receipt(plugin_app, ["clock-1"])
    assert response.status_code == 201, response.json
    assert runner.invoke(args=["plugins", "enable", "acme"]).exit_code == 0
    assert _receipt(plugin_app, ["clock-2"]).status_code == 422
