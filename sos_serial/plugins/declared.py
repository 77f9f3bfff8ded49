"""What the switched-on plugins declared at start-up, each record with the plugin that declared it."""
from __future__ import annotations

from .manager import PluginManager

# app.extensions key: for each plugin's name, one line per thing it declared (``plugins list``, the Plugins screen).
DECLARED_KEY = "sos_serial.plugin_declarations"


def declared(manager: PluginManager, hook_name: str, record_type: type | tuple[type, ...] | None = None,
             what: str = "records") -> list[tuple[str, object]]:
    """(plugin name, record) for each record the switched-on plugins return from ``hook_name``, in the order
    the plugins were registered.

    pluggy's own call would give one list per plugin with no name on it; each implementation is asked
    here instead, so a bad declaration can be refused naming the plugin. ``record_type`` is what every
    element must be (``what`` names it in the refusal).
    """
    found = []
    for impl in getattr(manager.hook, hook_name).get_hookimpls():
        if impl.wrapper or impl.hookwrapper:
            continue
        answer = impl.function()
        if answer is None:
            continue
        if not isinstance(answer, (list, tuple)):
            raise RuntimeError(
                f"The plugin '{impl.plugin_name}' returned {type(answer).__name__} from the hook '{hook_name}'; "
                f"it must return a list of {what}. Correct the plugin or switch it off.")
        for record in answer:
            if record_type is not None and not isinstance(record, record_type):
                raise RuntimeError(
                    f"The plugin '{impl.plugin_name}' returned {record!r} from the hook '{hook_name}', which is not "
                    f"one of the {what} that hook takes. Correct the plugin or switch it off.")
            found.append((impl.plugin_name, record))
    return found


def note_declaration(app, plugin: str, line: str) -> None:
    """Remember one line about what ``plugin`` declared, for the listings."""
    app.extensions.setdefault(DECLARED_KEY, {}).setdefault(plugin, []).append(line)


def declarations_of(app, plugin: str) -> list[str]:
    return list(app.extensions.get(DECLARED_KEY, {}).get(plugin, ()))
