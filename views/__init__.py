"""The admin screens, on Flask-Admin: presentation only (imported as sos_serial.views).

What a plugin's screens import from here: the secured base views and the menu names. A plugin
returns its views from the ``admin_views`` hook; they join the menu after the module's own.
"""
if __name__ != "sos_serial.views":
    raise ImportError(
        f"This package must be imported as 'sos_serial.views', not as '{__name__}'. "
        "Install the project (pip install -e .) and import it through sos_serial."
    )

from flask import Blueprint
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.extensions import db
from sos_serial.models import (
    AuditEntry,
    Customer,
    EventDelivery,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    Vendor,
    Warranty,
    Webhook,
)
from sos_serial.models.document_kind import INVENTORY, KINDS, PRODUCTION, PURCHASING, SALES
from sos_serial.security.headers import csp_nonce

from .audit_log import AuditLogView
from .dashboard import DashboardView
from .database_busy import init_app as init_database_busy
from .error_pages import init_app as init_error_pages
from .event_delivery import EventDeliveryView
from .formats import init_app as init_formats
from .inline_handlers import init_app as init_inline_handlers
from .item import ItemView
from .named_record import NamedRecordView, PartyView
from .plugin import PluginView
from .plugin_views import add_plugin_views
from .refused_input import init_app as init_refused_input
from .request_too_large import init_app as init_request_too_large
from .secured_view import SecuredBaseView, SecuredModelView, SecuredView
from .serial_history_report import SerialHistoryReportView
from .serial_plan import serial_plan_context
from .serial_unit import SerialUnitView
from .settings import SettingsView
from .stock_count import StockCountView
from .transaction import TransactionView
from .warranty import WarrantyView
from .warranty_expiring_report import WarrantyExpiringReportView
from .warranty_lookup import WarrantyLookupView
from .webhook import WebhookView

# Templates and static files of the screens (the login page included).
ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/ui/static")

# The module's menus. INVENTORY, PURCHASING, SALES, PRODUCTION and REPORTS sit under OPERATIONS.
OPERATIONS = "Operations"
REPORTS = "Reports"
COMPANY = "Company"
INTEGRATIONS = "Integrations"
ADMIN = "Admin"

__all__ = ["ADMIN", "COMPANY", "INTEGRATIONS", "INVENTORY", "OPERATIONS", "PRODUCTION", "PURCHASING", "REPORTS", "SALES",
           "SecuredBaseView", "SecuredModelView", "SecuredView", "init_admin"]


def init_admin(app, *, read_document, apply_settings) -> Admin:
    """The admin screens. ``read_document`` and ``apply_settings`` read the API's declared shapes (a
    transaction document, a settings change), handed in by the app factory: screens never import the API."""
    app.register_blueprint(ui)
    app.context_processor(serial_plan_context)
    init_inline_handlers(app)
    init_request_too_large(app)
    init_database_busy(app)
    init_refused_input(app)
    init_formats(app)
    admin = Admin(
        app,
        name="SOS Serial",
        theme=Bootstrap4Theme(base_template="sos/base.html", fluid=True),
        index_view=DashboardView(name="Home", url="/admin"),
        # Inline scripts of Flask-Admin's templates and ours carry the nonce the CSP names.
        csp_nonce_generator=csp_nonce,
    )
    init_error_pages(app)
    admin.add_category(OPERATIONS)
    for category in (INVENTORY, PURCHASING, SALES, PRODUCTION, REPORTS):
        admin.add_sub_category(category, OPERATIONS)
    fields = app.extensions[CUSTOM_FIELDS_KEY]
    admin.add_view(ItemView(Item, db, name="Items", category=INVENTORY, endpoint="items", custom_fields=fields))
    admin.add_view(
        SerialUnitView(SerialUnit, db, name="Serial inventory", category=INVENTORY, endpoint="serial_inventory",
                       custom_fields=fields)
    )
    admin.add_view(WarrantyView(Warranty, db, name="Warranties", category=INVENTORY, endpoint="warranties"))
    admin.add_view(StockCountView(name="Stock counts", category=INVENTORY, endpoint="stock_counts"))
    # One list and entry screen per kind of document, in the kinds' menu order.
    for kind in sorted(KINDS, key=lambda k: k.sequence):
        admin.add_view(TransactionView(name=kind.menu_label, category=kind.menu_category, endpoint=kind.endpoint,
                                       kind=kind.code, read_document=read_document))
    admin.add_view(TransactionView(name="All transactions", category=REPORTS, endpoint="transactions",
                                   read_document=read_document))
    admin.add_view(
        SerialHistoryReportView(
            SerialHistory, db, name="Serial unit history", category=REPORTS, endpoint="serial_history"
        )
    )
    admin.add_view(WarrantyExpiringReportView(name="Warranties expiring", category=REPORTS,
                                              endpoint="warranties_expiring"))
    admin.add_view(WarrantyLookupView(name="Warranty lookup", endpoint="warranty_lookup"))
    admin.add_view(NamedRecordView(Location, db, name="Locations", category=COMPANY, endpoint="locations",
                                   custom_fields=fields))
    admin.add_view(PartyView(Customer, db, name="Customers", category=COMPANY, endpoint="customers",
                             custom_fields=fields, read_right="read_customers"))
    admin.add_view(PartyView(Vendor, db, name="Vendors", category=COMPANY, endpoint="vendors",
                             custom_fields=fields))
    admin.add_view(SettingsView(name="Settings", endpoint="settings", apply_settings=apply_settings))
    admin.add_view(WebhookView(Webhook, db, name="Webhooks", category=INTEGRATIONS, endpoint="webhooks"))
    admin.add_view(EventDeliveryView(EventDelivery, db, name="Event deliveries", category=INTEGRATIONS,
                                     endpoint="event_deliveries"))
    admin.add_view(PluginView(name="Plugins", category=INTEGRATIONS, endpoint="plugins"))
    admin.add_view(AuditLogView(AuditEntry, db, name="Audit log", category=ADMIN, endpoint="audit_log"))
    add_plugin_views(admin, app)
    return admin
