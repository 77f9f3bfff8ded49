"""What a plugin declares once, at start-up: permissions, API routes, custom fields and migrations.

A plugin returns these from the hooks of ``ExtendingSpec`` in ``sos_serial.hookspecs``. They are
plain frozen records, checked when the app starts: a wrong declaration stops the app with a
message naming the plugin, rather than failing later in front of a clerk.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The records a custom field may be declared on, by the name used in declarations and in the API.
FIELD_MODELS = ("item", "customer", "vendor", "location", "transaction", "serial_unit")
FIELD_TYPES = ("text", "number", "date", "choice", "boolean")


@dataclass(frozen=True)
class Permission:
    """A right a plugin's screens and routes can require, and the roles that hold it.

    ``name`` is written with the plugin's prefix (``"acme.audit"``) so it cannot clash with the
    module's own rights (``read``, ``post``, ``manage_settings``...); ``roles`` are the role names
    of ``sos_serial.models.user`` ("admin", "clerk", "support").
    """

    name: str
    label: str
    roles: tuple[str, ...] = ("admin",)


@dataclass(frozen=True)
class CustomField:
    """An extra field on one kind of record, stored in the record's ``custom_fields`` column.

    ``model`` is one of FIELD_MODELS and ``type`` one of FIELD_TYPES; ``name`` is the key under
    ``custom_fields`` in the API and in CSV exports (lower case, digits and ``_``). ``choices`` lists
    the allowed values of a "choice" field. A ``locked`` field on serial units is not edited by
    hand (forms, the API's PATCH): only postings and plugins set it.
    """

    model: str
    name: str
    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    locked: bool = False
    description: str = ""


@dataclass(frozen=True)
class ApiRoute:
    """An endpoint a plugin adds under ``/api/v1``, with the module's token auth and problem+json errors.

    ``rule`` is a Flask URL rule relative to ``/api/v1`` (``"/acme/serials/<int:id>/audit"``);
    ``view`` is called with the rule's variables as keywords, plus ``body`` (an instance of
    ``request``) when a request shape is given, and returns an instance of ``response`` (or a
    dict, or None for 204). ``right`` is the right the caller's role must hold: one of the
    module's own or a declared ``Permission``. ``request`` and ``response`` are pydantic models;
    they validate the body and describe the route in ``/api/v1/openapi.json``.
    """

    rule: str
    method: str
    view: Callable
    right: str
    summary: str
    request: type | None = None
    response: type | None = None
    status: int = 200
