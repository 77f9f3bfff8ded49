"""The module's data model, one concept per file (imported as sos_serial.models)."""
if __name__ != "sos_serial.models":
    # Loading this folder by its bare name would define every table a second time.
    raise ImportError(
        f"This package must be imported as 'sos_serial.models', not as '{__name__}'. "
        "Install the project (pip install -e .) and import it through sos_serial."
    )

from .api_token import ApiToken
from .audit_entry import AuditEntry
from .column_preference import ColumnPreference
from .cost_layer import CostLayer
from .customer import Customer
from .event import Event
from .event_delivery import EventDelivery
from .item import Item
from .location import Location
from .plugin_switch import PluginSwitch
from .serial_history import SerialHistory
from .serial_unit import SerialUnit
from .settings import Settings
from .stock_count import StockCount
from .stock_count_document import StockCountDocument
from .stock_count_scan import StockCountScan
from .stock_level import StockLevel
from .transaction import Transaction
from .transaction_line import TransactionLine
from .transaction_line_serial import TransactionLineSerial
from .user import User
from .vendor import Vendor
from .warranty import Warranty
from .webhook import Webhook

__all__ = [
    "ApiToken", "AuditEntry", "ColumnPreference", "CostLayer", "Customer", "Event", "EventDelivery", "Item", "Location", "PluginSwitch",
    "SerialHistory", "SerialUnit", "Settings", "StockCount", "StockCountDocument", "StockCountScan", "StockLevel", "Transaction", "TransactionLine", "TransactionLineSerial",
    "User", "Vendor", "Warranty", "Webhook",
]
