"""What the plugin manager holds: each plugin, where it came from, whether it is on, and its hooks' call order."""
from __future__ import annotations

from dataclasses import dataclass

from .manager import PluginManager, plugin_module


@dataclass(frozen=True)
class HookCall:
    """One implementation of a hook, as pluggy calls it: ``wrapper`` ones surround the others."""

    plugin: str
    wrapper: bool
    tryfirst: bool
    trylast: bool

    @property
    def label(self) -> str:
        marks = [m for m, on in (("wrapper", self.wrapper), ("tryfirst", self.tryfirst), ("trylast", self.trylast)) if on]
        return f"{self.plugin} ({', '.join(marks)})" if marks else self.plugin


@dataclass(frozen=True)
class PluginInfo:
    name: str
    module: str
    builtin: bool
    distribution: str | None
    version: str | None
    switched_off: bool
    # Each hook the plugin implements, with every implementation of it in the order pluggy calls them
    # (empty while the plugin is switched off: it is not called at all).
    hooks: dict[str, list[HookCall]]

    @property
    def origin(self) -> str:
        return "the module's own rule" if self.builtin else "third-party"


def call_order(manager: PluginManager, hook_name: str) -> list[HookCall]:
    """The implementations of ``hook_name`` in the order they run: pluggy walks its list from the end,
    wrappers (kept at the end) first, then tryfirst ones, the newest registered first, trylast ones last."""
    caller = getattr(manager.hook, hook_name)
    return [HookCall(impl.plugin_name, bool(impl.wrapper or impl.hookwrapper), impl.tryfirst, impl.trylast)
            for impl in reversed(caller.get_hookimpls())]


def describe_plugins(manager: PluginManager) -> list[PluginInfo]:
    """Every plugin loaded, switched off ones included, in the order they were registered."""
    # By the plugin object: a switched-off plugin is unregistered, so the manager has no name for it.
    distributions = {id(plugin): dist for plugin, dist in manager.list_plugin_distinfo()}
    hook_names = [name for name in vars(manager.hook) if not name.startswith("_")]
    described = []
    for name, plugin in manager.loaded.items():
        dist = distributions.get(id(plugin))
        switched_off = name in manager.switched_off
        hooks = {} if switched_off else {
            hook: call_order(manager, hook) for hook in hook_names
            if any(impl.plugin_name == name for impl in getattr(manager.hook, hook).get_hookimpls())}
        described.append(PluginInfo(
            name=name, module=plugin_module(plugin), builtin=manager.is_builtin(name),
            distribution=dist.project_name if dist else None, version=dist.version if dist else None,
            switched_off=switched_off, hooks=hooks))
    return described
