"""The plugin manager: loads the built-in rules and third-party plugins from the entry point group."""
from __future__ import annotations

import importlib

import pluggy
from flask import current_app

from sos_serial.hookspecs import PROJECT, SerialInventorySpec

EXTENSION_KEY = "sos_serial.plugins"


def create_plugin_manager(extra_plugins=()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(SerialInventorySpec)
    pm.load_setuptools_entrypoints(PROJECT)
    for plugin in extra_plugins:
        if isinstance(plugin, str):
            plugin = importlib.import_module(plugin)
        if not pm.is_registered(plugin):
            pm.register(plugin)
    _require_builtin_rules(pm)
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


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = create_plugin_manager(app.config.get("SOS_SERIAL_PLUGINS", ()))


def hook():
    """The hook caller of the current app's plugin manager."""
    return current_app.extensions[EXTENSION_KEY].hook
