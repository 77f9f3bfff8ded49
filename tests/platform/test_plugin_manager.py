"""The plugin manager refuses to start with a hook it does not know, and every checking hook fails closed."""
import pluggy
import pytest

from sos_serial.hookspecs import STAGES, ChangeCheckingSpec, NumberingSpec, hookimpl
from sos_serial.plugins import create_plugin_manager


class MisspelledRule:
    """A plugin whose serial rule would never run: one letter too many in the hook's name."""

    @hookimpl
    def validate_serial_numberz(self, item, serial_numbers):
        raise AssertionError("never called")


def test_a_misspelled_hook_stops_the_app_naming_the_plugin_and_the_hook(app_config, stock_free_app_factory):
    with pytest.raises(RuntimeError) as refused:
        stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[MisspelledRule()]))
    message = str(refused.value)
    assert "test_plugin_manager.MisspelledRule" in message
    assert "'validate_serial_numberz'" in message
    assert "sos_serial/hookspecs.py" in message


def test_a_module_plugin_is_named_by_its_module(tmp_path, monkeypatch):
    (tmp_path / "misspelled_plugin.py").write_text(
        "from sos_serial.hookspecs import hookimpl\n\n\n"
        "@hookimpl\ndef transaction_postd(document):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError, match=r"the plugin 'misspelled_plugin' implements 'transaction_postd'"):
        create_plugin_manager(["misspelled_plugin"])


def test_an_optional_hook_of_a_plugin_is_allowed():
    class LaterHook:
        @hookimpl(optionalhook=True)
        def label_printed(self, unit):
            pass

    plugin = LaterHook()
    assert create_plugin_manager([plugin]).is_registered(plugin)


def test_the_specs_are_grouped_by_stage_and_every_hook_is_in_one_stage():
    names = [[name for name in vars(stage) if not name.startswith("_")] for stage in STAGES]
    assert names == [
        ["validate_item_change", "validate_serial_unit_change", "validate_bulk_statement", "validate_history_write",
         "validate_serial_numbers", "validate_transaction"],
        ["next_serial_numbers"],
        ["transaction_posted"],
        ["permissions", "admin_views", "api_routes", "custom_fields", "migration_folders"],
    ]
    for stage, stage_names in zip(STAGES, names):
        assert stage.__doc__ and all(getattr(stage, name).__doc__ for name in stage_names)


def test_every_checking_and_numbering_hook_has_a_fail_closed_wrapper():
    manager = create_plugin_manager()
    wrapped = {name for name in vars(manager.hook) if not name.startswith("_")
               for impl in getattr(manager.hook, name).get_hookimpls()
               if impl.wrapper and impl.plugin_name == "fail_closed"}
    checking = {name for stage in (ChangeCheckingSpec, NumberingSpec) for name in vars(stage)
                if not name.startswith("_")}
    assert wrapped == checking


def test_hookimpl_is_still_importable_from_hookspecs():
    assert isinstance(hookimpl, pluggy.HookimplMarker)
