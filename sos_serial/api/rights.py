"""What right each route of the API needs: the API's half of the permission map.

Checked once for every request, before the route reads its body (``api.authenticate``). The README's
role table is tested against this map and the screens' rights (tests/platform/test_role_table.py).
A route of the module missing here needs ``read``, which the support role does not hold: a new route
is closed to support until it is named here.
"""
from __future__ import annotations

from sos_serial.security.auth import READ_API, READ_CUSTOMERS, READ_ITEMS, READ_SERIAL_UNITS

ROUTE_RIGHTS = {
    # Serial units, their history and the pickers' lists of them: every role.
    "api.list_serials": READ_SERIAL_UNITS,
    "api.get_serial": READ_SERIAL_UNITS,
    "api.serial_history": READ_SERIAL_UNITS,
    "api.available_serials": READ_SERIAL_UNITS,
    # Labels print what a reader of serial units sees: the item's name, the serial, the GTIN, the warranty end.
    "api.serial_labels": READ_SERIAL_UNITS,
    "api.document_labels": READ_SERIAL_UNITS,
    "api.add_serial": "create_serial",
    # Support corrects warranty dates and notes; custom fields need edit_serial (checked in the route).
    "api.change_serial": "edit_warranty_dates",
    "api.renumber_serial": "edit_serial",
    # Items and customers: every role.
    "api.list_items": READ_ITEMS,
    "api.get_item": READ_ITEMS,
    "api.create_item": "edit_master",
    "api.change_item": "edit_master",
    "api.list_customers": READ_CUSTOMERS,
    "api.get_customers": READ_CUSTOMERS,
    "api.create_customers": "edit_master",
    "api.change_customers": "edit_master",
    # Every other record and document: every role reads them in the API, as shared/API.md says (support's
    # screens do not show them).
    "api.list_locations": READ_API,
    "api.get_locations": READ_API,
    "api.create_locations": "edit_master",
    "api.change_locations": "edit_master",
    "api.list_vendors": READ_API,
    "api.get_vendors": READ_API,
    "api.create_vendors": "edit_master",
    "api.change_vendors": "edit_master",
    "api.list_warranties": READ_API,
    "api.get_warranty": READ_API,
    "api.create_warranty": "manage_warranties",
    "api.list_transactions": READ_API,
    "api.get_transaction": READ_API,
    "api.packing_list": READ_API,
    "api.create_transaction": "post",
    "api.void_document": "post",
    "api.get_settings": READ_API,
    # Stock counts: clerks and administrators count; every role may read one.
    "api.list_stock_counts": READ_API,
    "api.get_stock_count": READ_API,
    "api.stock_count_serials": READ_API,
    "api.create_stock_count": "post",
    "api.scan_into_stock_count": "post",
    "api.close_stock_count": "post",
    "api.change_stock_count": "post",
    # The administrator's.
    "api.change_settings": "manage_settings",
    "api.list_webhooks": "manage_settings",
    "api.create_webhook": "manage_settings",
    "api.delete_webhook": "manage_settings",
    "api.list_deliveries": "manage_settings",
    "api.retry_webhook": "manage_settings",
    # Who signed in, changed what and exported what: the administrator's, beside the users command.
    "api.list_audit_entries": "manage_users",
}
# Answered to anyone, without a token.
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
# A route not named above: closed to every role that does not read everything.
UNNAMED_ROUTE_RIGHT = "read"


def route_right(endpoint: str) -> str:
    return ROUTE_RIGHTS.get(endpoint, UNNAMED_ROUTE_RIGHT)
