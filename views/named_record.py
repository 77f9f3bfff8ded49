"""Locations, customers and vendors: master records known by a unique name; customers and vendors have addresses."""
from wtforms import TextAreaField

from sos_serial.engine.addresses import tidy_address
from sos_serial.limits import ADDRESS_MAX_LENGTH

from .custom_fields import CustomFieldsView
from .secured_view import SecuredModelView
from .text_limits import at_most, long_text


class NamedRecordView(CustomFieldsView, SecuredModelView):
    column_list = ("name", "notes", "created_at")
    column_labels = {"created_at": "Added"}
    column_searchable_list = ("name",)
    column_default_sort = "name"
    form_columns = ("name", "notes")
    form_args = {"notes": long_text("Notes")}
    # Removing one that units or documents still use is refused by the database and explained.
    delete_right = "edit_master"
    can_export = True

    def __init__(self, *args, read_right: str = "read", **kwargs):
        # Customers are read by every role; locations and vendors by those who read everything.
        self.read_right = read_right
        super().__init__(*args, **kwargs)


def _address_field(label: str, description: str) -> dict:
    # Kept as the API keeps it (tidy_address): each line trimmed, blank lines dropped.
    return {"label": label, "description": description, "filters": [tidy_address],
            "validators": [at_most(ADDRESS_MAX_LENGTH, label)],
            "render_kw": {"rows": 4, "maxlength": ADDRESS_MAX_LENGTH}}


class PartyView(NamedRecordView):
    """Customers and vendors: a named record with a billing and a shipping address."""

    form_columns = ("name", "billing_address", "shipping_address", "notes")
    form_overrides = {"billing_address": TextAreaField, "shipping_address": TextAreaField}
    form_args = {"notes": long_text("Notes"),
                 "billing_address": _address_field("Billing address", "One line for each line of the address."),
                 "shipping_address": _address_field(
                     "Shipping address", "Printed on packing lists; empty: the billing address is printed.")}
    column_details_list = ("name", "billing_address", "shipping_address", "notes", "created_at")
    can_view_details = True
