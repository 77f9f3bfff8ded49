"""Plugins' custom fields on the screens: typed inputs on the forms, optional list columns, filters and CSV cells."""
from __future__ import annotations

from decimal import Decimal

from flask_admin.contrib.sqla.filters import FilterEqual
from wtforms import BooleanField, DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import NumberInput

from sos_serial.engine.custom_fields import NO_CUSTOM_FIELDS, CustomFields, check_custom_fields, equals_condition
from sos_serial.limits import CUSTOM_FIELD_TEXT_MAX_LENGTH

from .date_field import IsoDateField

# The model custom fields are declared on, by the table a view lists.
FIELD_MODEL_OF_TABLE = {"items": "item", "customers": "customer", "vendors": "vendor", "locations": "location",
                        "transactions": "transaction", "serial_units": "serial_unit"}
# A form's input and a list's column for a custom field are named with this prefix, so they cannot
# clash with the record's own columns.
PREFIX = "cf_"


def input_for(field):
    """A typed input for one declared field: a number box, a date picker, a select, a checkbox or a text box."""
    hint = field.description or None
    if field.type == "number":
        return DecimalField(field.label, places=None, validators=[Optional()], description=hint,
                            widget=NumberInput(step="any"))
    if field.type == "date":
        return IsoDateField(field.label, validators=[Optional()], description=hint)
    if field.type == "boolean":
        return BooleanField(field.label, description=hint)
    if field.type == "choice":
        return SelectField(field.label, choices=[SelectChoice("", ""), *(SelectChoice(c, c) for c in field.choices)],
                           description=hint)
    return StringField(field.label, description=hint, validators=[Optional(), Length(
        max=CUSTOM_FIELD_TEXT_MAX_LENGTH, message=f"At most {CUSTOM_FIELD_TEXT_MAX_LENGTH:,} characters.")])


def value_of(field, data):
    """A form input's data as the engine takes it; an empty input clears the field."""
    if field.type == "number":
        if data is None:
            return None
        return int(data) if data == data.to_integral_value() else float(data)
    if field.type == "boolean":
        return bool(data)
    if isinstance(data, str):
        return data.strip() or None
    return data


def shown(field, value):
    """A stored value as a list cell or a CSV cell shows it; a number stays a number (a CSV keeps its sign)."""
    if value is None:
        return ""
    if field.type == "number":
        return value
    if field.type == "boolean":
        return "Yes" if value else "No"
    return str(value)


class CustomFieldFilter(FilterEqual):
    """Equals a value of one custom field: Yes/No, one of the choices, or the value typed."""

    def __init__(self, column, field):
        options = None
        if field.type == "boolean":
            options = (("1", "Yes"), ("0", "No"))
        elif field.type == "choice":
            options = tuple((c, c) for c in field.choices)
        super().__init__(column, field.label, options=options)
        self.field = field

    def clean(self, value):
        if self.field.type == "boolean":
            return value == "1"
        if self.field.type == "number":
            return float(Decimal(value.strip()))
        return value.strip()

    def apply(self, query, value, alias=None):
        # The API's condition, so PostgreSQL answers the screen's filter from the same GIN index.
        dialect = query.session.get_bind().dialect.name
        return query.filter(equals_condition(self.get_column(alias), self.field.name, value, dialect))

    def validate(self, value):
        if self.field.type != "number":
            return True
        try:
            Decimal(value.strip())
        except ArithmeticError:
            return False
        return True


class CustomFieldsView:
    """Mixin for a ModelView of a record that takes custom fields (items, customers, serial units...).

    The view is built with the app's ``custom_fields``: each declared field becomes an input on the
    create and edit forms (a locked one is shown, not edited), a list column (in the column chooser,
    off until chosen), a filter and a CSV column. Saves of generated forms check the values with the
    engine's ``check_custom_fields``; views with their own saves call ``custom_values``.
    """

    def __init__(self, model, *args, custom_fields: CustomFields = NO_CUSTOM_FIELDS, **kwargs):
        self.custom_field_model = FIELD_MODEL_OF_TABLE[model.__tablename__]
        self.custom_fields_declared = custom_fields
        self.declared_fields = custom_fields.of(self.custom_field_model)
        if self.declared_fields:
            names = [PREFIX + f.name for f in self.declared_fields]
            self.column_list = (*self.column_list, *names)
            self.column_labels = {**(self.column_labels or {}),
                                  **{PREFIX + f.name: f.label for f in self.declared_fields}}
            self.column_formatters = {**(self.column_formatters or {}),
                                      **{PREFIX + f.name: self._cell for f in self.declared_fields}}
            self.column_filters = (*(self.column_filters or ()),
                                   *(CustomFieldFilter(model.custom_fields, f) for f in self.declared_fields))
        super().__init__(model, *args, **kwargs)

    def _cell(self, view, context, model, name):
        field = next(f for f in self.declared_fields if PREFIX + f.name == name)
        return shown(field, (model.custom_fields or {}).get(field.name))

    # ---- forms -----------------------------------------------------------------------------
    def with_custom_inputs(self, form_class, editing: bool):
        """``form_class`` with an input for each declared field (a locked one only shown, when editing)."""
        if not self.declared_fields:
            return form_class
        inputs = {}
        for field in self.declared_fields:
            if field.locked and not editing:
                continue
            made = input_for(field)
            if field.locked:
                made = made.field_class(*made.args, **{**made.kwargs, "render_kw": {"disabled": True},
                                                       "description": "Set by postings and plugins only."})
            inputs[PREFIX + field.name] = made
        return type(form_class.__name__, (form_class,), inputs)

    def get_create_form(self):
        return self.with_custom_inputs(super().get_create_form(), editing=False)

    def get_edit_form(self):
        return self.with_custom_inputs(super().get_edit_form(), editing=True)

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        record = self.get_one(id)
        for field in self.declared_fields:
            value = (record.custom_fields or {}).get(field.name) if record is not None else None
            name = PREFIX + field.name
            if name in form:
                if field.type == "date" and value:
                    from datetime import date

                    value = date.fromisoformat(value)
                elif field.type == "number" and value is not None:
                    value = Decimal(str(value))
                form[name].data = value

    def custom_values(self, form) -> dict:
        """The values typed into the form's custom field inputs (locked ones left out), as the engine takes them."""
        return {field.name: value_of(field, form[PREFIX + field.name].data) for field in self.declared_fields
                if not field.locked and PREFIX + field.name in form}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if not self.declared_fields:
            return
        record = f"{type(model).__name__} {getattr(model, 'name', '')}".strip()
        model.custom_fields = check_custom_fields(self.custom_fields_declared, self.custom_field_model, record,
                                                  self.custom_values(form), stored=model.custom_fields,
                                                  creating=is_created)
