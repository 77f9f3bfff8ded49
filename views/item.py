"""Items: the Items list and the item form with its Track serial numbers switch and its own numbering."""
from markupsafe import Markup
from wtforms import DecimalField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from sos_serial.engine.gtin import gtin_problem
from sos_serial.limits import AUTO_SERIAL_MAX_LENGTH, AUTO_SERIAL_PREFIX_MAX_LENGTH, MAX_ID
from sos_serial.money import format_money

from .custom_fields import CustomFieldsView
from .formats import money_column
from .secured_view import SecuredModelView
from .text_limits import long_text


def _exact_money(view, context, model, name):
    return format_money(getattr(model, name))


def _opens_the_item(view, context, model, name):
    # A name or SKU on the list is the way into the item: its form for a role that edits items, its details
    # page otherwise. Nothing is edited on the list itself (no inline rename).
    text = getattr(model, name)
    if not text:
        return ""
    endpoint = ".edit_view" if view.can_edit else ".details_view"
    return Markup('<a href="{}" data-opens-item>{}</a>').format(
        view.get_url(endpoint, id=model.id, url=view.get_url(".index_view")), text)


def _trimmed_or_none(value):
    # A blank prefix means "no numbering of its own", stored as none rather than as empty text.
    value = value.strip() if isinstance(value, str) else value
    return value or None


def _valid_gtin(form, field):
    problem = gtin_problem(field.data) if field.data else None
    if problem:
        raise ValidationError(problem)


def _printable(form, field):
    if field.data and not field.data.isprintable():
        raise ValidationError("The serial number prefix must be printable text (no tabs or line breaks).")


class ItemView(CustomFieldsView, SecuredModelView):
    read_right = "read_items"
    # Listed, shown and exported only to the roles that read costs (not support).
    cost_columns = ("cost", "value")
    column_list = ("name", "sku", "gtin", "track_serials", "warranty", "cost", "quantity_on_hand", "value")
    column_labels = {
        "sku": "SKU",
        "gtin": "GTIN",
        "track_serials": "Serial tracked",
        "quantity_on_hand": "On hand",
        "cost": "Default cost",
    }
    column_searchable_list = ("name", "sku", "gtin")
    column_filters = ("track_serials", "warranty.name")
    column_sortable_list = ("name", "sku", "track_serials", "cost", "quantity_on_hand", "value")
    column_default_sort = "name"
    column_formatters = {"name": _opens_the_item, "sku": _opens_the_item, "cost": money_column, "value": money_column}
    # Quantity and value are the posting's to keep: never on a form or inline edit.
    form_columns = ("name", "sku", "gtin", "description", "track_serials", "warranty", "cost",
                    "auto_serial_prefix", "auto_serial_length", "auto_serial_next_number")
    form_args = {
        # WTForms shows an empty option's value ("__None") when its label is empty.
        "warranty": {"blank_text": "No warranty"},
        "description": long_text("The description"),
        "gtin": {
            "label": "GTIN",
            "description": "The GS1 trade item number on the maker's barcode (8, 12, 13 or 14 digits). "
            "A scanned GS1 barcode finds the item by it.",
            "filters": [_trimmed_or_none],
            "validators": [Optional(), _valid_gtin],
        },
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
        "auto_serial_prefix": {
            "label": "Own serial number prefix",
            "description": "Automatic serial numbers for this item: its own prefix, then a zero-padded number. "
            "With a prefix, receipts of this item offer Auto serial/lot numbers even when automatic numbering "
            "is off in the purchasing settings. Leave empty to number as the purchasing settings say.",
            "filters": [_trimmed_or_none],
            "validators": [Optional(), Length(max=AUTO_SERIAL_PREFIX_MAX_LENGTH, message=(
                f"The serial number prefix can be at most {AUTO_SERIAL_PREFIX_MAX_LENGTH} characters.")),
                _printable],
        },
        "auto_serial_length": {
            "label": "Own number length",
            "description": "Digits in the number part; empty: the purchasing settings' length.",
            "validators": [Optional(), NumberRange(min=1, max=AUTO_SERIAL_MAX_LENGTH, message=(
                f"The serial number length must be between 1 and {AUTO_SERIAL_MAX_LENGTH} digits."))],
        },
        "auto_serial_next_number": {
            "label": "Own next number",
            "description": "The next number this item's numbering gives; empty: 1. Posting moves it on.",
            "validators": [Optional(), NumberRange(min=0, max=MAX_ID, message=(
                "The next serial number cannot be negative."))],
        },
    }
    form_overrides = {"cost": DecimalField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The export keeps names as text and amounts exact; Flask-Admin would take the list's formatters
        # (the custom fields' included, which it keeps).
        export = {name: formatter for name, formatter in (self.column_formatters or {}).items()
                  if name not in ("name", "sku")}
        self.column_formatters_export = {**export, "cost": _exact_money, "value": _exact_money}
    can_view_details = True
    can_export = True
    create_modal = False
