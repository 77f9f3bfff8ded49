"""Plugins: the pluggy manager that loads the module's own rules and third-party plugins."""
from .manager import EXTENSION_KEY, SWITCH_WATCH_KEY, create_plugin_manager, hook, init_app

__all__ = ["EXTENSION_KEY", "SWITCH_WATCH_KEY", "create_plugin_manager", "hook", "init_app"]
