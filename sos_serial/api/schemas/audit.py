"""The audit log's shapes: the filters of GET /audit and one entry as the API answers it."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from sos_serial.models.audit_entry import VIAS

from .common import Answer, DateIn, Id, Page, PageQuery, Timestamp


def _no_filter_if_empty(value):
    return None if value == "" else value


class AuditQuery(PageQuery):
    """GET /audit: filters, all optional. ``actor`` is a user name as it was when the entry was written;
    ``action`` one action exactly (``sign_in_failed``, ``item.changed``, ``export``...); ``since`` and
    ``until`` are dates (YYYY-MM-DD, in UTC), both days included."""

    actor: Annotated[str | None, BeforeValidator(_no_filter_if_empty)] = None
    action: Annotated[str | None, BeforeValidator(_no_filter_if_empty)] = None
    since: Annotated[DateIn | None, BeforeValidator(_no_filter_if_empty)] = None
    until: Annotated[DateIn | None, BeforeValidator(_no_filter_if_empty)] = None


# What an entry's detail may hold, by action; each key is documented, none is always there.
DETAIL_SCHEMA = {
    "type": "object",
    "properties": {
        "changes": {"type": "object", "description": "a record created, changed or deleted: {field: [old, new]}",
                    "additionalProperties": {"type": "array", "prefixItems": [{}, {}], "minItems": 2,
                                             "maxItems": 2}},
        "screen": {"type": "string", "description": "an export: the screen's name"},
        "endpoint": {"type": "string", "description": "an export: the screen's address under /admin/"},
        "filters": {"type": "array", "description": "an export: the list's filters",
                    "items": {"type": "object", "properties": {"filter": {"type": "string"}, "value": {}}}},
        "search": {"type": ["string", "null"], "description": "an export: the list's search"},
        "rows": {"type": "integer", "description": "an export: the rows it wrote"},
        "row_limit": {"type": ["integer", "null"], "description": "an export: the most rows the role may export"},
        "username": {"type": "string", "description": "a failed sign-in: the username tried (never the password)"},
        "role": {"type": "string", "description": "user.created: the role"},
        "user": {"type": "string", "description": "a token: its user"},
        "expires_in_days": {"type": ["integer", "null"], "description": "token.created: its lifetime"},
    },
}


class AuditEntry(Answer):
    """One entry of the audit log: who, when, through what, which action on which record, and its detail."""

    id: Id
    at: Timestamp = Field(description="when, in UTC")
    actor_id: int | None = Field(description="the user's id; null when no one was signed in (a failed sign-in) "
                                             "or for the command line")
    actor_name: str | None = Field(description="the user's name when the entry was written; for the command "
                                               "line, the operating system's user")
    via: Literal[VIAS] = Field(description="screen, api or cli")  # type: ignore[valid-type]
    action: str = Field(description="sign_in, sign_in_failed, sign_out, user.created, user.deactivated, "
                                    "user.activated, user.password_reset, user.signed_out, token.created, "
                                    "token.revoked, settings.changed, warranty.created, item.changed, "
                                    "customer.deleted..., export")
    target_type: str | None = Field(description="user, token, settings, warranty, item, customer, vendor, "
                                                "location or screen")
    target_id: int | None
    target_label: str | None = Field(description="the record's name when the entry was written")
    detail: Annotated[dict[str, Any] | None, WithJsonSchema({"anyOf": [DETAIL_SCHEMA, {"type": "null"}]})]
    client_address: str | None


class AuditPage(Page[AuditEntry]):
    pass
