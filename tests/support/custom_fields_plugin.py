"""A plugin declaring custom fields on every kind of record that takes them, one of each type among them."""
from sos_serial.declarations import CustomField
from sos_serial.hookspecs import hookimpl

FIELDS = [
    CustomField("item", "shelf_life_days", "Shelf life (days)", "number"),
    CustomField("item", "origin", "Country of origin", "choice", choices=("AM", "DE", "JP")),
    CustomField("customer", "key_account", "Key account", "boolean"),
    CustomField("vendor", "vendor_code", "Vendor code", "text", required=True),
    CustomField("location", "climate", "Climate controlled", "boolean"),
    CustomField("transaction", "carrier", "Carrier", "choice", choices=("DHL", "UPS")),
    CustomField("transaction", "reference", "Reference", "text"),
    CustomField("serial_unit", "calibrated_on", "Calibrated on", "date"),
    CustomField("serial_unit", "inspector", "Inspector", "text", required=True),
    CustomField("serial_unit", "rfid", "RFID tag", "text", locked=True),
]


@hookimpl
def custom_fields():
    return FIELDS
