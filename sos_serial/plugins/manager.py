"""The plugin manager: loads the built-in rules and third-party plugins from the entry point group."""
from __future__ import annotations

import importlib
import threading

import pluggy
from flask import current_app

from sos_serial.database.session_rules import bind_rules
from sos_serial.hookspecs import PROJECT, STAGES

EXTENSION_KEY = "sos_serial.plugins"
SWITCH_WATCH_KEY = "sos_serial.plugin_switches"
BUILTIN_PACKAGE = "sos_serial.hooks"


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering every plugin it loaded so that one switched off can come back.

    ``loaded`` holds each plugin by its name in the order it was registered, switched off or not;
    ``switched_off`` the names of the third-party plugins whose hooks are not called.
    """

    def __init__(self, project_name: str):
        super().__init__(project_name)
        self.loaded: dict[str, object] = {}
        self.switched_off: frozenset[str] = frozenset()
        self._switching = threading.Lock()

    def register(self, plugin, name=None):
        registered = super().register(plugin, name)
        if registered is not None:
            self.loaded.setdefault(registered, plugin)
        return registered

    def is_builtin(self, name: str) -> bool:
        """One of the module's own rules (a module of sos_serial.hooks), which cannot be switched off."""
        return plugin_module(self.loaded[name]).startswith(BUILTIN_PACKAGE + ".")

    def apply_switches(self, switched_off) -> None:
        """Call the hooks of every loaded plugin except the third-party ones named in ``switched_off``.

        A plugin switched off is unregistered; one switched on again is registered again, so until
        the process restarts it is called as the newest of its kind (``plugins list`` shows the order).
        The module's own rules are never touched, so no save goes unchecked while plugins switch.
        """
        with self._switching:
            wanted = frozenset(n for n in switched_off if n in self.loaded and not self.is_builtin(n))
            for name in self.loaded:
                if name in wanted and name not in self.switched_off:
                    self.unregister(name=name)
            for name, plugin in self.loaded.items():
                if name in self.switched_off and name not in wanted:
                    self.register(plugin, name=name)
            self.switched_off = wanted


def plugin_module(plugin) -> str:
    """The module a plugin's code lives in: a module plugin's own name, an object's class's module."""
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else type(plugin).__module__


def plugin_name(plugin) -> str:
    """The name a plugin given in SOS_SERIAL_PLUGINS is registered under: its module, or module.Class."""
    name = getattr(plugin, "__name__", None)
    return name if isinstance(name, str) else f"{type(plugin).__module__}.{type(plugin).__qualname__}"


def create_plugin_manager(extra_plugins=()) -> PluginManager:
    pm = PluginManager(PROJECT)
    for stage in STAGES:
        pm.add_hookspecs(stage)
    pm.load_setuptools_entrypoints(PROJECT)
    for plugin in extra_plugins:
        if isinstance(plugin, str):
            plugin = importlib.import_module(plugin)
        if not pm.is_registered(plugin):
            name, count = plugin_name(plugin), 1
            while pm.has_plugin(name if count == 1 else f"{name}#{count}"):
                count += 1
            pm.register(plugin, name=name if count == 1 else f"{name}#{count}")
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
    """Build the app's plugin manager, switch off what the database says, and bind its hooks to the app's engine.

    The engine and the ORM guard find the hooks through the session's engine
    (``sos_serial.database.session_rules``), so they run without a Flask app context.
    """
    from sos_serial.extensions import db

    from .cli import plugins_cli
    from .custom_fields import init_custom_fields
    from .switches import SwitchWatch

    manager = app.extensions[EXTENSION_KEY] = create_plugin_manager(app.config.get("SOS_SERIAL_PLUGINS", ()))
    with app.app_context():
        bind_rules(db.engine, manager.hook)
        watch = app.extensions[SWITCH_WATCH_KEY] = SwitchWatch(
            manager, db.engine, float(app.config.get("SOS_SERIAL_PLUGIN_SWITCH_SECONDS", 2.0)))
        watch.refresh()
        # Declarations are read from the plugins switched on now; a wrong one stops the app here,
        # without leaving the connection that read the switches open.
        try:
            init_custom_fields(app, manager)
        except Exception:
            db.engine.dispose()
            raise
    # Another process may switch a plugin off or on: notice it within the interval.
    app.before_request(watch.refresh)
    app.cli.add_command(plugins_cli)
    # Each plugin's migrations join the module's in `flask db`.
    from .migrations import init_app as init_migrations

    init_migrations(app)


def hook():
    """The hook caller of the current app's plugin manager, for code that runs in a Flask app context."""
    return current_app.extensions[EXTENSION_KEY].hook
