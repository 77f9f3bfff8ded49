"""The Plugins screen: every plugin and its hooks' call order, a switch per third-party plugin, administrators only."""
import pytest

from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import PluginSwitch
from sos_serial.plugins import EXTENSION_KEY
from tests.support.web import csrf_token_from

NAME = "tests.views.test_plugin_screen.LabelRule"


class LabelRule:
    @hookimpl
    def validate_item_change(self, item):
        pass


@pytest.fixture
def app(app_config, stock_free_app_factory):
    """This module's app loads LabelRule beside the module's own rules."""
    return stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[LabelRule()]))


def switch(client, name, state, token=None):
    token = token or csrf_token_from(client.get("/admin/plugins/").text)
    return client.post("/admin/plugins/switch", data={"name": name, "state": state, "csrf_token": token},
                       follow_redirects=True)


def test_an_administrator_sees_every_plugin_with_its_hooks_in_call_order(login):
    page = login("admin").get("/admin/plugins/")
    assert page.status_code == 200
    assert f'data-plugin="{NAME}"' in page.text and 'data-plugin="item_tracking"' in page.text
    assert "sos-serial 0.1.0" in page.text and "third-party" in page.text
    assert (f"fail_closed (wrapper, tryfirst) &rarr; <strong>{NAME}</strong> &rarr; stock_quantities "
            "&rarr; item_tracking") in page.text
    assert page.text.count("Switch off") == 1  # only the third-party plugin has a switch


def test_an_administrator_switches_a_plugin_off_and_on(app, login):
    client = login("admin")
    page = switch(client, NAME, "off")
    assert f"The plugin &#39;{NAME}&#39; is switched off" in page.text and "Switch on" in page.text
    with app.app_context():
        assert db.session.get(PluginSwitch, NAME).switched_off_by == "admin"
    assert not app.extensions[EXTENSION_KEY].has_plugin(NAME)
    page = switch(client, NAME, "on")
    assert "Switch off" in page.text
    with app.app_context():
        assert db.session.get(PluginSwitch, NAME) is None
    assert app.extensions[EXTENSION_KEY].has_plugin(NAME)


def test_the_module_s_own_rules_are_refused_with_a_reason(app, login):
    page = switch(login("admin"), "item_tracking", "off")
    assert "one of the module&#39;s own rules, so it cannot be switched off" in page.text
    assert app.extensions[EXTENSION_KEY].has_plugin("item_tracking")


def test_a_switch_without_the_form_s_token_is_refused(app, login):
    client = login("admin")
    response = client.post("/admin/plugins/switch", data={"name": NAME, "state": "off"})
    assert response.status_code == 400
    assert app.extensions[EXTENSION_KEY].has_plugin(NAME)


@pytest.mark.parametrize("role", ["clerk", "support"])
def test_only_administrators_open_or_switch(app, login, role):
    client = login(role)
    assert client.get("/admin/plugins/").status_code == 403
    # A valid token from a page the user may open does not make the switch theirs.
    token = csrf_token_from(client.get("/admin/warranty_lookup/").text)
    assert client.post("/admin/plugins/switch", data={"name": NAME, "state": "off", "csrf_token": token}
                       ).status_code == 403
    assert app.extensions[EXTENSION_KEY].has_plugin(NAME)
