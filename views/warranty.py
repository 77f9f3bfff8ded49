"""Warranty definitions: defined once by an administrator, assigned to items."""
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from sos_serial.models.warranty import WARRANTY_UNITS

from .secured_view import SecuredModelView


class WarrantyView(SecuredModelView):
    create_right = "manage_warranties"
    edit_right = "manage_warranties"
    delete_right = "manage_warranties"
    column_list = ("name", "duration", "unit", "terms")
    column_searchable_list = ("name",)
    column_default_sort = "name"
    form_columns = ("name", "duration", "unit", "terms")
    form_overrides = {"unit": SelectField}
    form_args = {
        "duration": {"validators": [NumberRange(min=1, message="The duration must be at least 1.")]},
        "unit": {"choices": [SelectChoice(u, u.capitalize()) for u in WARRANTY_UNITS]},
    }
