"""The plugin manager: loads the built-in rules and third-party plugins from the entry point group."""
from __future__ import annotations

import importlib

import pluggy
from flask import current_app

from sos_serial.database.session_rules import bind_rules
from sos_serial.hookspecs import PROJECT, STAGES

EXTENSION_KEY = "sos_serial.plugins"


def create_plugin_manager(extra_plugins=()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    for stage in STAGES:
        pm.add_hookspecs(stage)
    pm.load_setuptools_entrypoints(PROJECT)
    for plugin in extra_plugins:
        if isinstance(plugin, str):
            plugin = importlib.import_module(plugin)
        if not pm.is_registered(plugin):
            pm.register(plugin)
    _require_builtin_rules(pm)
    _refuse_unknown_hooks(pm)
    return pm


def _require_builtin_rules(pm: pluggy.PluginManager) -> None:
    # Rules that did not load would leave the inventory unguarded: refuse to start instead.
    from sos_serial.hooks import BUILTIN_RULES

    loaded = {getattr(p, "__name__", None) for p in pm.get_plugins()}
    missing = [name for name in BUILTIN_RULES if name not in loaded]
    if missing:
        raise RuntimeError(
            "The built-in rules did not load from the 'sos_serial' entry point group: "
            + ", ".join(missing)
            + ". Reinstall the project (pip install -e .) so its entry points are registered."
        )


def _refuse_unknown_hooks(pm: pluggy.PluginManager) -> None:
    # pluggy skips an implementation whose name matches no hook, so a misspelled rule would
    # never run and nobody would know: refuse to start instead, naming every such hook at once.
    try:
        pm.check_pending()
    except pluggy.PluginValidationError:
        pass
    else:
        return
    unknown = [f"{_plugin_label(impl.plugin)} implements '{name}'"
               for name, caller in vars(pm.hook).items() if not name.startswith("_") and not caller.has_spec()
               for impl in caller.get_hookimpls() if not impl.optionalhook]
    raise RuntimeError(
        "A plugin implements a hook that sos_serial does not have, so its rule would never run: "
        + "; ".join(unknown)
        + ". Correct the hook's name (the hooks are listed in sos_serial/hookspecs.py) or remove the plugin."
    )


def _plugin_label(plugin) -> str:
    """A module plugin by its module name, any other object by its class."""
    name = getattr(plugin, "__name__", None)
    if isinstance(name, str):
        return f"the plugin '{name}'"
    return f"the plugin '{type(plugin).__module__}.{type(plugin).__qualname__}'"


def init_app(app) -> None:
    """Build the app's plugin manager and bind its hooks to the app's database engine.

    The engine and the ORM guard find the hooks through the session's engine
    (``sos_serial.database.session_rules``), so they run without a Flask app context.
    """
    from sos_serial.extensions import db

    manager = app.extensions[EXTENSION_KEY] = create_plugin_manager(app.config.get("SOS_SERIAL_PLUGINS", ()))
    with app.app_context():
        bind_rules(db.engine, manager.hook)


def hook():
    """The hook caller of the current app's plugin manager, for code that runs in a Flask app context."""
    return current_app.extensions[EXTENSION_KEY].hook
