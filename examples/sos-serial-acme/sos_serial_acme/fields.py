"""Tasks 3 and 6, custom fields: a "key account" flag on customers, a calibration date on serial units.

sos-serial stores them in each record's ``custom_fields``, checks them on every write, and shows them
on the forms, in the lists' column chooser (the Serial inventory list included) and in the API.
"""
from sos_serial.declarations import CustomField
from sos_serial.hookspecs import hookimpl

KEY_ACCOUNT = CustomField(model="customer", name="acme_key_account", label="Key account", type="boolean",
                          description="Acme serves this customer first.")
CALIBRATED_ON = CustomField(model="serial_unit", name="acme_calibrated_on", label="Calibrated on", type="date",
                            description="The day Acme's workshop last calibrated the unit.")


@hookimpl
def custom_fields():
    return [KEY_ACCOUNT, CALIBRATED_ON]
