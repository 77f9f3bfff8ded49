"""Task 1, the serial rule, tested with sos-serial's testing kit alone: refused and allowed serials, by API and engine."""
import pytest
import sos_serial_acme

from sos_serial.errors import InvalidInput
from sos_serial.plugins import EXTENSION_KEY
from sos_serial.testing import issue_token

PATTERNS = {"Armenian Mantel Clock": r"CLK-\d{4}"}

# Each test's app has the plugin registered as an object and the patterns in its settings, whether
# or not the package is installed; installed, it also loads from the entry point (registered once).
pytestmark = pytest.mark.sos_serial_app(plugins=[sos_serial_acme], ACME_SERIAL_PATTERNS=PATTERNS)


@pytest.fixture
def clock(sos_make):
    return sos_make.item("Armenian Mantel Clock")


@pytest.fixture
def main(sos_make):
    return sos_make.location("Main Warehouse")


def _receipt(item, location, serials) -> dict:
    return {"type": "item_receipt", "date": "2026-01-05", "location_id": location.id,
            "lines": [{"item_id": item.id, "quantity": len(serials), "serials": serials}]}


def test_the_rule_is_registered(sos_app):
    names = {name for name, _ in sos_app.extensions[EXTENSION_KEY].list_name_plugin()}
    assert sos_app.extensions[EXTENSION_KEY].is_registered(sos_serial_acme)
    assert "serial_unit_locks" in names  # the module's own rules load beside it


def test_serials_off_pattern_are_refused_through_the_api(sos_api, clock, main):
    response = sos_api("clerk").post("/transactions", _receipt(clock, main, ["CLK-0001", "clock-2"]))
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert "must look like CLK-\\d{4}; these do not: clock-2" in body["detail"]
    assert body["errors"][0]["field"] == "lines[0].serials"
    assert sos_api("clerk").ok("GET", f"/items/{clock.id}")["quantity_on_hand"] == 0


def test_serials_on_pattern_are_received(sos_api, clock, main):
    answer = sos_api("clerk").ok("POST", "/transactions", _receipt(clock, main, ["CLK-0001", "CLK-0002"]), status=201)
    assert answer["lines"][0]["serials"] == ["CLK-0001", "CLK-0002"]


def test_the_engine_refuses_with_the_clerks_message(sos_post, clock, main):
    with pytest.raises(InvalidInput, match="these do not: bad-1, bad-2"):
        sos_post(**_receipt(clock, main, ["bad-1", "bad-2"]))


def test_items_without_a_pattern_take_any_serial(sos_make, sos_session, main):
    unit = sos_make.unit(sos_make.item("Grandfather Clock"), "any-serial-at-all", main)
    assert unit.serial_number == "any-serial-at-all"
    assert unit.location_id == main.id


def test_a_unit_made_by_the_factory_passes_the_rule_too(sos_make, clock, main):
    with pytest.raises(InvalidInput, match="must look like"):
        sos_make.unit(clock, "not-a-clock-serial", main)
    assert sos_make.unit(clock, "CLK-0042", main).serial_number == "CLK-0042"


def test_without_the_plugin_object_and_settings_nothing_is_checked(sos_make_app, sos_make, clock, main):
    # Another app on the same database, with no patterns configured: the rule has nothing to check.
    app = sos_make_app()
    client = app.test_client()
    token = issue_token(app, "second-clerk", "clerk")
    response = client.post("/api/v1/transactions", json=_receipt(clock, main, ["clock-2"]),
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
