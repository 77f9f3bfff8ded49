"""Warranty definitions: defined once by an administrator, assigned to items."""
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, ValidationError

from sos_serial.models.warranty import WARRANTY_UNITS, duration_problem

from .secured_view import SecuredModelView
from .text_limits import long_text


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
        "duration": {"validators": [NumberRange(min=1, message="The duration must be at least 1."),
                                    lambda form, field: _check_duration(form, field)]},
        "unit": {"choices": [SelectChoice(u, u.capitalize()) for u in WARRANTY_UNITS]},
        "terms": long_text("The terms"),
    }


def _check_duration(form, field):
    message = duration_problem(field.data, form.unit.data) if isinstance(field.data, int) else None
    if message and field.data > 0:
        raise ValidationError(message)
