"""The custom fields the plugins switched on declare, read once when the app starts and kept per app."""
from __future__ import annotations

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY, CustomFields

from .declared import declared, note_declaration


def init_custom_fields(app, manager) -> CustomFields:
    """Check the plugins' custom fields and keep them in ``app.extensions``; a wrong one stops the app.

    Each plugin is asked on its own, so a wrong declaration names its plugin; ``CustomFields`` then
    names every field at fault at once.
    """
    pairs = declared(manager, "custom_fields", what="sos_serial.declarations.CustomField records")
    fields = app.extensions[CUSTOM_FIELDS_KEY] = CustomFields(pairs)
    for plugin, field in pairs:
        lock = ", locked" if field.locked else ""
        note_declaration(app, plugin, f"custom field {field.model}.{field.name} ({field.type}{lock})")
    return fields


def custom_fields_of(app) -> CustomFields:
    """The app's custom fields, to hand to the engine."""
    return app.extensions[CUSTOM_FIELDS_KEY]
