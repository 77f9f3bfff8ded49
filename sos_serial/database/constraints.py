"""Database refusals in words a clerk can act on, instead of raw driver text."""
from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

# Constraint or column names -> what the person tried to do.
_MESSAGES = {
    "uq_items_name": "An item with this name already exists. Choose another name.",
    "uq_items_sku": "An item with this SKU already exists. Each SKU names one item.",
    "uq_items_gtin14": "An item with this GTIN already exists. Each GTIN names one item.",
    "uq_locations_name": "A location with this name already exists.",
    "uq_customers_name": "A customer with this name already exists.",
    "uq_vendors_name": "A vendor with this name already exists.",
    "uq_warranties_name": "A warranty with this name already exists.",
    "uq_users_username": "A user with this name already exists.",
    "uq_serial_units_item_serial_key": "That serial number already exists for this item.",
    "items.name": "An item with this name already exists. Choose another name.",
    "items.sku": "An item with this SKU already exists. Each SKU names one item.",
    "items.gtin14": "An item with this GTIN already exists. Each GTIN names one item.",
    "locations.name": "A location with this name already exists.",
    "customers.name": "A customer with this name already exists.",
    "vendors.name": "A vendor with this name already exists.",
    "warranties.name": "A warranty with this name already exists.",
    "users.username": "A user with this name already exists.",
    "serial_units.item_id, serial_units.serial_key": "That serial number already exists for this item.",
}


def constraint_name(exc: IntegrityError) -> str | None:
    """The violated constraint's name (PostgreSQL) or its columns (SQLite)."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    text = str(exc.orig)
    match = re.search(r"(?:UNIQUE|CHECK|NOT NULL) constraint failed: (.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def describe_integrity_error(exc: IntegrityError) -> str:
    name = constraint_name(exc)
    if name in _MESSAGES:
        return _MESSAGES[name]
    text = str(exc.orig).lower()
    if "foreign key" in text:
        return (
            "This record is still used elsewhere (by items, serial units or transactions), "
            "so it cannot be removed or changed that way. Nothing was saved."
        )
    if "check" in text:
        return "A value is outside what the inventory allows (for example a negative quantity). Nothing was saved."
    if "not null" in text or "null value" in text:
        return "A required field is empty. Nothing was saved."
    return "That change conflicts with a record already saved. Nothing was saved."
