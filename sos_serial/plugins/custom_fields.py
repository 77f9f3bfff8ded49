"""The custom fields the plugins switched on declare, read once when the app starts and kept per app."""
from __future__ import annotations

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY, CustomFields, DeclarationError


def declared_custom_fields(manager) -> list[tuple[str, object]]:
    """``(plugin name, record)`` for every record the ``custom_fields`` hook returns, oldest plugin first.

    Each plugin's implementation is called on its own, so a wrong declaration can name its plugin.
    """
    pairs = []
    for impl in manager.hook.custom_fields.get_hookimpls():
        if impl.wrapper or impl.hookwrapper:
            continue
        returned = impl.function()
        if returned is None:
            continue
        if isinstance(returned, (str, bytes)) or not hasattr(returned, "__iter__"):
            raise DeclarationError(f"The plugin '{impl.plugin_name}' returns {returned!r} from custom_fields, "
                                   "which must return a list of sos_serial.declarations.CustomField records.")
        pairs.extend((impl.plugin_name, record) for record in returned)
    return pairs


def init_custom_fields(app, manager) -> CustomFields:
    """Check the plugins' custom fields and keep them in ``app.extensions``; a wrong one stops the app."""
    fields = app.extensions[CUSTOM_FIELDS_KEY] = CustomFields(declared_custom_fields(manager))
    return fields


def custom_fields_of(app) -> CustomFields:
    """The app's custom fields, to hand to the engine."""
    return app.extensions[CUSTOM_FIELDS_KEY]
