"""Serial inventory: every serialized unit, where it is or whom it went to, its warranty and its history."""
from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.form import BaseForm
from flask_admin.form.fields import Select2Field
from flask_admin.model.template import TemplateLinkRowAction
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from sos_serial.engine.gs1 import may_be_scan
from sos_serial.engine.labels import labels_of_units
from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.queries import unit_history
from sos_serial.engine.serial_renumber import REASON_MAX, renumber_serial_unit
from sos_serial.engine.serial_search import anything_conditions, exact_conditions
from sos_serial.engine.serial_unit_edits import NOTES_MAX, edit_serial_unit
from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.limits import MAX_ID
from sos_serial.models import SerialUnit
from sos_serial.models.serial_unit import SERIAL_MAX_LENGTH, STATUS_LABELS
from sos_serial.security.auth import can
from sos_serial.security.request_input import query_int

from .column_chooser import ColumnChooser
from .csv_export import SafeCsvExport
from .custom_fields import PREFIX, CustomFieldsView
from .date_field import IsoDateField
from .formats import money_text
from .history_rows import HistoryNames, change_lines, event_label, status_label
from .labels import asked_format, labels_answer
from .large_list import LargeList
from .list_filters import (
    DateAfterFilter,
    DateBeforeFilter,
    LookupFilter,
    LookupOptions,
    customers,
    locations,
    tracked_items,
)
from .secured_view import SecuredModelView
from .serial_plan import SerialPlanOnly

# What the create form calls the fields the posting names in its refusals.
CREATE_FIELDS = {"item_id": "item", "location_id": "location", "customer_id": "customer"}
# Posted by every admin form besides its fields; anything else posted to Edit goes to the edit
# rule, which refuses it (a crafted location_id is refused, not silently dropped).
FORM_MACHINERY = {"csrf_token", "_continue_editing", "_add_another", "url"}
AT_LOCATION, AT_CUSTOMER = "location", "customer"
# The navigation bar's box takes a serial or a name: the longest of either is far below this.
FIND_MAX = 200


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _serial_length(form, field):
    # A scanned GS1 barcode is longer than the serial it carries: the posting checks that serial's length.
    if field.data and not may_be_scan(field.data) and len(field.data) > SERIAL_MAX_LENGTH:
        raise ValidationError(f"A serial number has at most {SERIAL_MAX_LENGTH} characters.")


class SerialUnitCreateForm(BaseForm):
    item = Select2Field("Item", coerce=int, allow_blank=True, blank_text="Choose an item",
                        validators=[InputRequired("Choose a serial-tracked item.")],
                        description="Only items tracked by serial number are offered.")
    serial_number = StringField("Serial number", filters=[_stripped], validators=[
        InputRequired("Type or scan the serial number."),
        _serial_length,
    ], description="Typed, or a scanned GS1 barcode: the serial of its AI 21, its lot and dates kept.")
    place = RadioField("Add the unit", default=AT_LOCATION, choices=[
        SelectChoice(AT_LOCATION, "At a location, in stock"),
        SelectChoice(AT_CUSTOMER, "At a customer, as a historical unit"),
    ])
    location = Select2Field("Location", coerce=int, allow_blank=True, blank_text="Choose a location")
    customer = Select2Field("Customer", coerce=int, allow_blank=True, blank_text="Choose a customer")
    unit_cost = DecimalField("Unit cost", places=None, validators=[
        Optional(), NumberRange(min=0, message="A cost cannot be negative.")],
        description="Leave blank to use the item's default cost.")
    warranty_start = IsoDateField("Warranty start", validators=[Optional()],
                               description="For a historical unit at a customer.")
    warranty_end = IsoDateField("Warranty end", validators=[Optional()],
                             description="For a historical unit at a customer. Left empty with a start given, it "
                                         "ends as the item's warranty says; editable on the unit afterwards.")
    notes = TextAreaField("Notes", validators=[
        Optional(), Length(max=NOTES_MAX, message=f"Notes hold at most {NOTES_MAX:,} characters.")])

    def validate_item(self, field):
        if field.data is None:
            raise ValidationError("Choose a serial-tracked item.")

    def validate_location(self, field):
        if self.place.data == AT_LOCATION and field.data is None:
            raise ValidationError("Choose the location the unit is in.")

    def validate_customer(self, field):
        if self.place.data == AT_CUSTOMER and field.data is None:
            raise ValidationError("Choose the customer who has the unit.")


class SerialRenumberForm(BaseForm):
    serial_number = StringField("Corrected serial number", filters=[_stripped], validators=[
        InputRequired("Type or scan the serial number the unit should have."),
        Length(max=SERIAL_MAX_LENGTH, message=f"A serial number has at most {SERIAL_MAX_LENGTH} characters."),
    ])
    reason = TextAreaField("Why", description="Kept in the unit's history with the old and new serial.", validators=[
        InputRequired("Say why the serial number is corrected."),
        Length(max=REASON_MAX, message=f"A reason has at most {REASON_MAX:,} characters.")])
    version = IntegerField(widget=HiddenInput(), validators=[
        InputRequired("This page is out of date or incomplete: reload the unit and correct the serial again.")])


class SerialUnitEditForm(BaseForm):
    warranty_start = IsoDateField("Warranty start", validators=[Optional()])
    warranty_end = IsoDateField("Warranty end", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[
        Optional(), Length(max=NOTES_MAX, message=f"Notes hold at most {NOTES_MAX:,} characters.")])
    # The version the page showed: a save from a stale page is refused, not merged.
    version = IntegerField(widget=HiddenInput(), validators=[
        InputRequired("This page is out of date or incomplete: reload the unit and make the correction again.")])


def show_refusal(form, exc: SerialInventoryError, field_names: dict | None = None) -> None:
    """The rule's message as a flash, and each field-level problem beside its field."""
    flash(exc.message, "error")
    for problem in exc.errors:
        name = (field_names or {}).get(problem.field, problem.field)
        if name.startswith("custom_fields."):
            name = PREFIX + name.removeprefix("custom_fields.")
        if name in form and form[name].widget.input_type != "hidden":
            form[name].errors = [*form[name].errors, problem.message]
        elif len(exc.errors) > 1:
            # One problem is the message itself; several are listed, each by its field.
            flash(f"{problem.field}: {problem.message}", "error")


def _status(view, context, model, name):
    return STATUS_LABELS.get(model.status, model.status)


def _place(view, context, model, name):
    # Only a place: a unit adjusted out or used is at none, and its Status column says so.
    if model.location is not None:
        return model.location.name
    return model.customer.name if model.customer is not None else ""


def _unit_cost(view, context, model, name):
    return money_text(model.unit_cost)


class SerialUnitView(SerialPlanOnly, CustomFieldsView, ColumnChooser, LookupOptions, SafeCsvExport, LargeList,
                     SecuredModelView):
    read_right = "read_serial_units"
    # Adding a unit and correcting its warranty go through the posting and edit rules.
    create_right = "create_serial"
    edit_right = "edit_warranty_dates"
    delete_right = None

    list_template = "sos/serial_inventory_list.html"
    create_template = "sos/serial_unit_create.html"
    edit_template = "sos/serial_unit_edit.html"

    column_list = ("item", "serial_number", "place", "status", "warranty", "warranty_start", "warranty_end",
                   "unit_cost")
    column_chooser_default = ("item", "serial_number", "place", "status")
    column_chooser_fixed = ("serial_number",)
    column_labels = {
        "serial_number": "Serial number", "place": "Location / customer", "warranty": "Warranty type",
        "warranty_start": "Warranty start", "warranty_end": "Warranty end", "unit_cost": "Unit cost",
    }
    column_formatters = {"status": _status, "place": _place, "unit_cost": _unit_cost}
    cost_columns = ("unit_cost",)
    column_sortable_list = (
        # A one-column tuple keeps the name "serial_number" while sorting by the indexed key.
        ("item", "item.name"), ("serial_number", ("serial_key",)), "status", ("warranty", "warranty.name"),
        "warranty_start", "warranty_end", "unit_cost",
    )
    column_default_sort = "id"
    # Deep pages by keyset (views/large_list.py) in these orders: columns never empty, the id breaking ties.
    keyset_orders = {None: (SerialUnit.id,), "serial_number": (SerialUnit.serial_key, SerialUnit.id),
                     "status": (SerialUnit.status, SerialUnit.id), "unit_cost": (SerialUnit.unit_cost, SerialUnit.id)}
    column_select_related_list = (SerialUnit.location, SerialUnit.customer, SerialUnit.warranty)
    # Searched anywhere in the serial and the names (see _apply_search); listed so the search box shows.
    column_searchable_list = ("serial_number",)
    named_filter_urls = True
    column_filters = (
        LookupFilter(SerialUnit.item_id, "Item", tracked_items),
        FilterEqual(SerialUnit.status, "Status", options=tuple(STATUS_LABELS.items())),
        LookupFilter(SerialUnit.location_id, "Location", locations),
        LookupFilter(SerialUnit.customer_id, "Customer", customers),
        DateBeforeFilter(SerialUnit.warranty_end, "Warranty end"),
        DateAfterFilter(SerialUnit.warranty_end, "Warranty end"),
    )
    can_view_details = False
    column_extra_row_actions = [
        TemplateLinkRowAction("history_row", title="Transaction history"),
    ]

    def status_label(self, unit) -> str:
        return STATUS_LABELS.get(unit.status, unit.status)

    # ---- search: any part of the serial, item, SKU, customer or location, through the indexes -
    def search_placeholder(self):
        return "Serial, item, SKU, customer or location"

    def get_query(self):
        # Each unit's item is loaded by a second query of the page's items, not joined: given the join, SQLite's
        # planner drives a search from the items and reads every unit of each (3.7 s for the 83,334 units at the
        # Dock locations among a million) instead of reading the matches through the indexes.
        return super().get_query().options(selectinload(SerialUnit.item))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # Flask-Admin's own search is ILIKE '%q%' over joined columns, a full scan of every unit.
        conditions = anything_conditions(db.session, search)
        if conditions:
            query = query.filter(*conditions)
            if count_query is not None:
                count_query = count_query.filter(*conditions)
        return query, count_query, joins, count_joins

    # ---- add one unit ------------------------------------------------------------------------
    def get_create_form(self):
        return self.with_custom_inputs(SerialUnitCreateForm, editing=False)

    def get_edit_form(self):
        return self.with_custom_inputs(SerialUnitEditForm, editing=True)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.item.choices = [(item_id, name) for item_id, name in tracked_items()]
        form.location.choices = [(record_id, name) for record_id, name in locations()]
        form.customer.choices = [(record_id, name) for record_id, name in customers()]
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if self.declared_fields and not can(current_user, "edit_serial"):
            # Support corrects warranty dates and notes only: the unit's custom fields are shown, not offered.
            for field in self.declared_fields:
                if PREFIX + field.name in form:
                    shown_only = form[PREFIX + field.name]
                    shown_only.render_kw = {**(shown_only.render_kw or {}), "disabled": True}
                    shown_only.description = "Changed by a clerk or an administrator."
        return form

    def create_model(self, form):
        values = {
            "item_id": form.item.data,
            "serial_number": form.serial_number.data,
            "unit_cost": form.unit_cost.data,
            "notes": _text(form.notes.data),
        }
        if form.place.data == AT_CUSTOMER:
            values.update(customer_id=form.customer.data, warranty_start=form.warranty_start.data,
                          warranty_end=form.warranty_end.data)
        else:
            values["location_id"] = form.location.data
        try:
            return self.saved(create_serial_unit(db.session, user=current_user._get_current_object(),
                                                 custom_fields=self.custom_values(form),
                                                 fields=self.custom_fields_declared, **values))
        except SerialInventoryError as exc:
            show_refusal(form, exc, CREATE_FIELDS)
            return False

    # ---- correct warranty dates and notes ----------------------------------------------------
    def update_model(self, form, model):
        changes = {
            "warranty_start": form.warranty_start.data,
            "warranty_end": form.warranty_end.data,
            "notes": _text(form.notes.data),
        }
        # Whatever else was posted goes to the rule too, which refuses it by name.
        changes.update({name: request.form.get(name) for name in request.form
                        if name not in form and name not in FORM_MACHINERY})
        if self.declared_fields and can(current_user, "edit_serial"):
            # Support corrects warranty dates and notes only; custom fields are the clerk's.
            changes["custom_fields"] = self.custom_values(form)
        try:
            edit_serial_unit(db.session, model.id, changes, user=current_user._get_current_object(),
                             expected_version=form.version.data, fields=self.custom_fields_declared)
        except SerialInventoryError as exc:
            show_refusal(form, exc)
            return False
        self.saved(model)
        return True

    # ---- labels: of the units chosen on the list, or of one unit from its page -------------------
    @action("labels", "Print labels")
    def labels_selected(self, ids):
        # The chosen ids arrive as text; one that is no id selects nothing (as the list's delete reads them).
        unit_ids = [int(i) for i in ids if str(i).isdigit() and 0 < int(i) <= MAX_ID]
        try:
            labels = labels_of_units(db.session, unit_ids)
        except SerialInventoryError as exc:
            flash(exc.message, "error")
            return None
        return labels_answer(labels, asked_format(), "labels")

    def is_action_allowed(self, name) -> bool:
        if name == "labels":
            return self.is_accessible()
        return super().is_action_allowed(name)

    @expose("/labels/")
    def labels_view(self):
        """One unit's label (``?id=``): a PDF on the settings' layout, or ZPL."""
        unit_id = query_int("id", low=1)
        if unit_id is None or db.session.get(SerialUnit, unit_id) is None:
            abort(404)
        label_format = asked_format()
        return labels_answer(labels_of_units(db.session, [unit_id]), label_format, f"label-{unit_id}")

    # ---- correct the serial number ------------------------------------------------------------
    def can_renumber(self) -> bool:
        return can(current_user, "edit_serial")

    @expose("/renumber/", methods=("GET", "POST"))
    def renumber_view(self):
        if not self.can_renumber():
            abort(403)
        unit_id = query_int("id", low=1)
        unit = db.session.get(SerialUnit, unit_id) if unit_id is not None else None
        if unit is None:
            abort(404)
        edit_url = self.get_url(".edit_view", id=unit.id, url=self.get_url(".index_view"))
        form = SerialRenumberForm(request.form if request.method == "POST" else None, version=unit.version)
        if request.method == "POST" and form.validate():
            old = unit.serial_number
            try:
                unit = renumber_serial_unit(db.session, unit.id, form.serial_number.data, form.reason.data,
                                            user=current_user._get_current_object(),
                                            expected_version=form.version.data)
            except SerialInventoryError as exc:
                show_refusal(form, exc)
                unit = db.session.get(SerialUnit, unit.id)
            else:
                flash(f"Serial {old} of {unit.item.name} is now {unit.serial_number}.", "success")
                return redirect(edit_url)
        return self.render("sos/serial_unit_renumber.html", unit=unit, form=form, edit_url=edit_url,
                           return_url=self.get_url(".index_view"))

    # ---- the navigation bar's "scan or type a serial" -----------------------------------------
    @expose("/find/")
    def find_view(self):
        """One unit by its serial opens it; anything else opens the list searched for the text."""
        typed = request.args.get("q", "").strip()
        if not typed:
            return redirect(self.get_url(".index_view"))
        if len(typed) > FIND_MAX:
            flash(f"A search holds at most {FIND_MAX} characters; that one had {len(typed):,}.", "error")
            return redirect(self.get_url(".index_view"))
        exact = db.session.scalars(select(SerialUnit.id).where(*exact_conditions(typed)).limit(2)).all()
        if len(exact) == 1:
            endpoint = ".edit_view" if self.can_edit else ".history_view"
            return redirect(self.get_url(endpoint, id=exact[0], url=self.get_url(".index_view")))
        found = db.session.scalar(select(func.count()).select_from(
            select(SerialUnit.id).where(*anything_conditions(db.session, typed)).limit(1).subquery()))
        if not found:
            flash(f"No serial unit matches \u201c{typed}\u201d: no serial, item, SKU, customer or location "
                  "holds that text.", "warning")
        return redirect(self.get_url(".index_view", search=typed))

    def record_title(self, model) -> str:
        return f"Serial {model.serial_number} of {model.item.name}"

    # ---- one unit's history ------------------------------------------------------------------
    @expose("/history/")
    def history_view(self):
        unit_id = query_int("id", low=1)
        unit = db.session.get(SerialUnit, unit_id) if unit_id is not None else None
        if unit is None:
            abort(404)
        rows = unit_history(db.session, unit.id)
        names = HistoryNames(db.session, rows)
        events = [{
            "date": row.date, "event": event_label(row), "document": names.document_link(row),
            "status": status_label(row), "place": names.place(row), "user": names.user(row),
            "changes": change_lines(row, labels={f"custom_fields.{f.name}": f.label for f in self.declared_fields}),
        } for row in rows]
        return self.render("sos/serial_unit_history.html", unit=unit, events=events,
                           status=STATUS_LABELS.get(unit.status, unit.status),
                           return_url=self.get_url(".index_view"))


def _text(value: str | None) -> str | None:
    """Typed text as stored: browser line endings made plain, nothing typed made None."""
    if value is None:
        return None
    value = value.replace("\r\n", "\n")
    return value if value.strip() else None
