"""Plugin management: the list with each hook's real call order, and third-party plugins switched off and on."""
import pytest

from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Item, PluginSwitch
from sos_serial.plugins import EXTENSION_KEY

CALLS: list[str] = []


class EarlyRule:
    @hookimpl(tryfirst=True)
    def validate_item_change(self, item):
        CALLS.append("early")


class LateRule:
    @hookimpl(trylast=True)
    def validate_item_change(self, item):
        CALLS.append("late")


class PlainRule:
    @hookimpl
    def validate_item_change(self, item):
        CALLS.append("plain")


EARLY, LATE, PLAIN = (f"tests.platform.test_plugin_switches.{name}" for name in ("EarlyRule", "LateRule", "PlainRule"))


@pytest.fixture
def make_app(app_config, stock_free_app_factory):
    def make(**settings):
        return stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[LateRule(), EarlyRule(), PlainRule()],
                                           **settings))
    return make


@pytest.fixture
def plugin_app(make_app):
    return make_app()


def save_an_item(app, name="Anything") -> list[str]:
    """The rules called, in order, while an item is saved."""
    CALLS.clear()
    with app.app_context():
        db.session.add(Item(name=name))
        db.session.commit()
        db.session.remove()
    return list(CALLS)


def test_the_list_shows_each_plugin_and_the_order_its_hooks_are_really_called_in(plugin_app):
    result = plugin_app.test_cli_runner().invoke(args=["plugins", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "item_tracking  [the module's own rule, on]  sos_serial.hooks.item_tracking  (sos-serial 0.1.0)" in lines
    assert f"{PLAIN}  [third-party, on]  tests.platform.test_plugin_switches  (given in SOS_SERIAL_PLUGINS)" in lines
    order = (f"    validate_item_change: fail_closed (wrapper, tryfirst) -> {EARLY} (tryfirst) -> {PLAIN} "
             f"-> stock_quantities -> item_tracking -> {LATE} (trylast)")
    assert order in lines
    # ... and that is the order they run in.
    assert save_an_item(plugin_app) == ["early", "plain", "late"]


def test_a_third_party_plugin_switched_off_is_not_called_until_switched_on(plugin_app):
    runner = plugin_app.test_cli_runner()
    result = runner.invoke(args=["plugins", "disable", PLAIN])
    assert result.exit_code == 0, result.output
    assert save_an_item(plugin_app, "First") == ["early", "late"]
    listed = runner.invoke(args=["plugins", "list"]).output
    assert f"{PLAIN}  [third-party, switched off]" in listed
    with plugin_app.app_context():
        assert db.session.get(PluginSwitch, PLAIN) is not None
    assert runner.invoke(args=["plugins", "enable", PLAIN]).exit_code == 0
    assert save_an_item(plugin_app, "Second") == ["early", "plain", "late"]
    with plugin_app.app_context():
        assert db.session.get(PluginSwitch, PLAIN) is None


def test_the_module_s_own_rules_cannot_be_switched_off(plugin_app):
    result = plugin_app.test_cli_runner().invoke(args=["plugins", "disable", "item_tracking"])
    assert result.exit_code != 0
    assert "'item_tracking' is one of the module's own rules, so it cannot be switched off" in result.output
    with plugin_app.app_context():
        assert db.session.query(PluginSwitch).count() == 0
        assert plugin_app.extensions[EXTENSION_KEY].has_plugin("item_tracking")


def test_an_unknown_plugin_is_named_with_the_ones_that_are_loaded(plugin_app):
    result = plugin_app.test_cli_runner().invoke(args=["plugins", "enable", "no_such_plugin"])
    assert result.exit_code != 0
    assert "No plugin is loaded under the name 'no_such_plugin'" in result.output and PLAIN in result.output


def test_every_process_honours_a_switch_made_in_another(make_app):
    # Two apps on one database stand for two app processes.
    switching, serving = make_app(), make_app(SOS_SERIAL_PLUGIN_SWITCH_SECONDS=0)
    assert switching.test_cli_runner().invoke(args=["plugins", "disable", LATE]).exit_code == 0
    # The serving process notices at its next request ...
    serving.test_client().get("/login")
    assert save_an_item(serving, "First") == ["early", "plain"]
    # ... and a process that starts now reads the switch at start.
    assert save_an_item(make_app(), "Second") == ["early", "plain"]
    assert switching.test_cli_runner().invoke(args=["plugins", "enable", LATE]).exit_code == 0
    serving.test_client().get("/login")
    assert save_an_item(serving, "Third") == ["early", "plain", "late"]


def test_a_process_reads_the_switches_at_most_once_per_interval(make_app):
    switching, serving = make_app(), make_app(SOS_SERIAL_PLUGIN_SWITCH_SECONDS=3600)
    assert switching.test_cli_runner().invoke(args=["plugins", "disable", LATE]).exit_code == 0
    serving.test_client().get("/login")
    assert save_an_item(serving) == ["early", "plain", "late"]


def test_the_events_worker_notices_a_switch_made_elsewhere(make_app):
    switching, worker = make_app(), make_app(SOS_SERIAL_PLUGIN_SWITCH_SECONDS=0)
    assert switching.test_cli_runner().invoke(args=["plugins", "disable", LATE]).exit_code == 0
    result = worker.test_cli_runner().invoke(args=["events", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert not worker.extensions[EXTENSION_KEY].has_plugin(LATE)
