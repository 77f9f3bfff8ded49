"""Acme's sos-serial plugin: the hook implementations sos-serial finds through the entry point ``acme``.

Each task lives in its own module; this module gathers their hooks, since pluggy registers the
functions marked ``@hookimpl`` that the entry point's object (this module) holds.

    rules          a serial pattern for new units of chosen items      validate_serial_numbers
    numbering      year-based automatic numbers for chosen items       next_serial_numbers
    notifications  a log of every posting, in the plugin's own table   transaction_posted, migration_folders
    fields         a "key account" flag on customers, a calibration    custom_fields
                   date on serial units
    screens        an admin page listing the log, its own permission   permissions, admin_views
    api            GET /api/v1/acme/postings                           api_routes

Settings (the app's config, or the environment as JSON):
    ACME_SERIAL_PATTERNS  = {"Armenian Mantel Clock": r"CLK-\\d{4}"}
    ACME_YEAR_NUMBERING   = {"Armenian Mantel Clock": "CLK"}   -> CLK-2026-00001, CLK-2026-00002 ...
"""
from .api import api_routes
from .fields import custom_fields
from .notifications import migration_folders, transaction_posted
from .numbering import next_serial_numbers
from .rules import validate_serial_numbers
from .screens import admin_views, permissions

__all__ = ["admin_views", "api_routes", "custom_fields", "migration_folders", "next_serial_numbers",
           "permissions", "transaction_posted", "validate_serial_numbers"]
