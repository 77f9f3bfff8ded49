"""Plugins' custom fields: the fields an app declares, checked once at start-up, and every value written to them.

The registry (``CustomFields``) is built when the app starts from the ``custom_fields`` hook of the
plugins switched on, kept in ``app.extensions[CUSTOM_FIELDS_KEY]``, and handed to the engine by its
callers (the API, the screens, the CLI); the engine reads no app config. ``check_custom_fields`` is
the one check every write path uses: the API's creates and changes, the admin forms, a posting's
own fields and a serial unit's direct edits.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date

from sqlalchemy import and_, cast, literal, text
from sqlalchemy.dialects.postgresql import JSONB

from sos_serial.dates import iso_date
from sos_serial.declarations import FIELD_MODELS, FIELD_TYPES, CustomField
from sos_serial.errors import Conflict, FieldError, InvalidInput
from sos_serial.limits import CUSTOM_FIELD_TEXT_MAX_LENGTH

# Where create_app keeps the app's CustomFields, for the screens, the API and the CLI to hand on.
CUSTOM_FIELDS_KEY = "sos_serial.custom_fields"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# The model a field is declared on, as a clerk calls its records.
MODEL_LABELS = {"item": "item", "customer": "customer", "vendor": "vendor", "location": "location",
                "transaction": "transaction", "serial_unit": "serial unit"}


class DeclarationError(RuntimeError):
    """A plugin declared a custom field the module cannot keep: the app does not start."""


class CustomFields:
    """The custom fields of one app, by model, in the order the plugins declared them.

    Built from ``(plugin name, CustomField)`` pairs; a wrong declaration raises
    ``DeclarationError`` naming every plugin and field at fault at once.
    """

    def __init__(self, declared=()):
        self._by_model: dict[str, dict[str, CustomField]] = {model: {} for model in FIELD_MODELS}
        self.declared_by: dict[tuple[str, str], str] = {}
        problems = []
        for plugin, field in declared:
            problem = _declaration_problem(field)
            where = (field.model, field.name) if isinstance(field, CustomField) else None
            if problem is None and where in self.declared_by:
                problem = f"is already declared by the plugin '{self.declared_by[where]}'"
            if problem is not None:
                name = f"the custom field '{field.name}'" if isinstance(field, CustomField) \
                    else f"a custom field ({field!r})"
                problems.append(f"the plugin '{plugin}' declares {name}, which {problem}")
                continue
            self._by_model[field.model][field.name] = field
            self.declared_by[where] = plugin
        if problems:
            raise DeclarationError(
                "A plugin's custom fields cannot be kept, so the app does not start: " + "; ".join(problems)
                + ". Correct the declarations (see sos_serial.declarations.CustomField) or switch the plugin off.")

    def of(self, model: str) -> tuple[CustomField, ...]:
        """The fields declared on ``model`` ("item", "serial_unit"...), in declaration order."""
        return tuple(self._by_model[model].values())

    def get(self, model: str, name: str) -> CustomField | None:
        return self._by_model[model].get(name)

    def __bool__(self) -> bool:
        return any(self._by_model.values())


# An app without plugins' fields: what the engine uses when its caller hands none.
NO_CUSTOM_FIELDS = CustomFields()


def _declaration_problem(field) -> str | None:
    if not isinstance(field, CustomField):
        return "is not a sos_serial.declarations.CustomField record"
    if field.model not in FIELD_MODELS:
        return f"is on an unknown model '{field.model}' (known: {', '.join(FIELD_MODELS)})"
    if not isinstance(field.name, str) or not NAME_PATTERN.fullmatch(field.name):
        return "has a name that is not lower-case letters, digits and _, starting with a letter"
    if field.type not in FIELD_TYPES:
        return f"has an unknown type '{field.type}' (known: {', '.join(FIELD_TYPES)})"
    if not isinstance(field.label, str) or not field.label.strip():
        return "has no label"
    if field.type == "choice" and (not field.choices or not all(isinstance(c, str) and c for c in field.choices)):
        return "is a choice field without choices (give them as text in choices)"
    if field.type != "choice" and field.choices:
        return f"lists choices but is a {field.type} field, not a choice field"
    if field.locked and field.model != "serial_unit":
        return "is locked, which only fields on serial units may be"
    return None


def check_custom_fields(fields: CustomFields, model: str, record: str, given, *, stored: dict | None = None,
                        creating: bool = False, direct: bool = True) -> dict:
    """The custom fields ``record`` will hold once ``given`` is applied to its ``stored`` values.

    ``given`` is what the writer sent: ``{name: value}`` (a value of None clears the field), or None
    when it sent nothing. ``record`` names the record in messages ("Customer Acme", "The new item").
    Values are checked by the field's type and stored as JSON: a number (a whole or decimal number,
    not true/false), a date as "YYYY-MM-DD", true/false, one of a choice field's choices, or text of
    at most ``CUSTOM_FIELD_TEXT_MAX_LENGTH`` characters (trimmed; empty clears it). A field left empty
    is not stored at all. Unknown names are refused, and on ``creating`` every required field must
    have a value. A ``direct`` edit (a form, the API) may not change a locked field; a posting or a
    plugin (``direct=False``) may. Every problem is named at once, each as ``custom_fields.NAME``;
    nothing is returned on a refusal, so nothing is written.
    """
    stored = dict(stored or {})
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise InvalidInput(f"{record}: custom_fields must be an object of field names and values.",
                           [FieldError("custom_fields", "Must be an object.")])
    declared = {f.name: f for f in fields.of(model)}
    unknown = [name for name in given if name not in declared]
    if unknown:
        words = ", ".join(map(str, unknown))
        known = ", ".join(declared) or "none"
        raise InvalidInput(f"{record}: a {MODEL_LABELS[model]} has no custom field {words} (its fields: {known}).",
                           [FieldError(f"custom_fields.{name}", "Unknown field.") for name in unknown])
    values, problems = {}, []
    for name, value in given.items():
        try:
            values[name] = _stored_value(declared[name], value)
        except ValueError as exc:
            problems.append(FieldError(f"custom_fields.{name}", str(exc)))
    if problems:
        raise InvalidInput(f"{record}: " + "; ".join(f"{declared[p.field.split('.', 1)[1]].label}: {p.message}"
                                                    for p in problems), problems)
    changed = [name for name, value in values.items() if stored.get(name) != value]
    locked = [name for name in changed if declared[name].locked]
    if direct and locked:
        raise Conflict(f"{record}: {', '.join(declared[n].label for n in locked)} is set only by postings and "
                       "plugins, not edited by hand. Nothing was saved.",
                       [FieldError(f"custom_fields.{name}", "Locked: only postings and plugins set it.")
                        for name in locked])
    result = {**stored, **values}
    result = {name: value for name, value in result.items() if value is not None}
    missing = [f for f in declared.values() if f.required and result.get(f.name) is None
               and (creating or f.name in given)]
    if direct and missing:
        raise InvalidInput(f"{record}: {', '.join(f.label for f in missing)} "
                           f"{'is' if len(missing) == 1 else 'are'} required.",
                           [FieldError(f"custom_fields.{f.name}", "Required.") for f in missing])
    return result


def _stored_value(field: CustomField, value):
    """The value as it is stored, or ValueError saying what the field takes."""
    if value is None:
        return None
    kind = field.type
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError("Must be a number.")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("Must be true or false.")
        return value
    if kind == "date":
        if isinstance(value, date):
            return value.isoformat()
        parsed = iso_date(value)
        if parsed is not None:
            return parsed.isoformat()
        raise ValueError("Must be a date of the form YYYY-MM-DD.")
    if kind == "choice":
        if value == "":
            return None
        if not isinstance(value, str) or value not in field.choices:
            raise ValueError(f"Must be one of {', '.join(field.choices)}.")
        return value
    if not isinstance(value, str):
        raise ValueError("Must be text.")
    value = value.strip()
    if len(value) > CUSTOM_FIELD_TEXT_MAX_LENGTH:
        raise ValueError(f"Can be at most {CUSTOM_FIELD_TEXT_MAX_LENGTH:,} characters.")
    return value or None


def filter_value(fields: CustomFields, model: str, name: str, given: str):
    """A query string's value for the custom field ``name`` as it is stored, or a 422 naming the field."""
    field = fields.get(model, name)
    where = f"custom_fields.{name}"
    if field is None:
        raise InvalidInput(f"A {MODEL_LABELS[model]} has no custom field {name}.", [FieldError(where, "Unknown field.")])
    value = given
    if field.type == "boolean":
        value = {"true": True, "false": False}.get(given.strip().lower(), given)
    elif field.type == "number":
        try:
            value = float(given) if any(c in given for c in ".eE") else int(given)
        except ValueError:
            pass
    try:
        stored = _stored_value(field, value)
    except ValueError as exc:
        raise InvalidInput(f"The filter on {field.label}: {exc}", [FieldError(where, str(exc))]) from None
    return stored


def equals_condition(column, name: str, value, dialect: str):
    """SQL for "the custom field ``name`` holds ``value``".

    On PostgreSQL a JSONB containment, which the GIN index answers (on serial units with the
    index's own predicate, so the partial index is used); elsewhere the value read from the JSON.
    """
    if dialect == "postgresql":
        contains = column.op("@>")(cast(literal(json.dumps({name: value})), JSONB))
        return and_(contains, text(f"{column.table.name}.custom_fields <> '{{}}'::jsonb"))
    element = column[name]
    if isinstance(value, bool):
        return element.as_boolean() == value
    if isinstance(value, (int, float)):
        return element.as_float() == value
    return element.as_string() == value
