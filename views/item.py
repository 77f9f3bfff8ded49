"""Items: the Items list and the item form with its Track serial numbers switch."""
from wtforms import DecimalField
from wtforms.validators import NumberRange, Optional

from sos_serial.money import format_money

from .secured_view import SecuredModelView


def _money(view, context, model, name):
    return format_money(getattr(model, name))


class ItemView(SecuredModelView):
    column_list = ("name", "sku", "track_serials", "warranty", "cost", "quantity_on_hand", "value")
    column_labels = {
        "sku": "SKU",
        "track_serials": "Serial tracked",
        "quantity_on_hand": "On hand",
        "cost": "Default cost",
    }
    column_searchable_list = ("name", "sku")
    column_filters = ("track_serials", "warranty.name")
    column_sortable_list = ("name", "sku", "track_serials", "cost", "quantity_on_hand", "value")
    column_default_sort = "name"
    column_formatters = {"cost": _money, "value": _money}
    # Quantity and value are the posting's to keep: never on a form or inline edit.
    form_columns = ("name", "sku", "description", "track_serials", "warranty", "cost")
    form_args = {
        # WTForms shows an empty option's value ("__None") when its label is empty.
        "warranty": {"blank_text": "No warranty"},
        "track_serials": {
            "label": "Track serial numbers",
            "description": "Each unit gets its own serial number on receipts, builds and shipments. "
            "An item with stock on hand must be adjusted to zero first.",
        },
        "cost": {
            "label": "Default cost",
            "description": "Used by receipts that give no unit cost.",
            "validators": [Optional(), NumberRange(min=0, message="A cost cannot be negative.")],
            "places": None,
        },
    }
    form_overrides = {"cost": DecimalField}
    column_editable_list = ("name", "sku")
    can_view_details = True
    can_export = True
    create_modal = False
