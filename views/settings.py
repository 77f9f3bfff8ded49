"""Settings: the company profile, plan, inventory, purchasing (automatic serial numbers), sales and labels, on one
screen."""
from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from sos_serial.engine.company_logo import data_uri, read_logo
from sos_serial.engine.limits import LIMITS_KEY, Limits
from sos_serial.engine.record_versions import values_digest
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, SerialInventoryError
from sos_serial.extensions import db
from sos_serial.limits import ADDRESS_MAX_LENGTH, COMPANY_LOGO_MAX_BYTES, MAX_ID, NAME_MAX_LENGTH
from sos_serial.models import Settings
from sos_serial.models.settings import (
    AUTO_SERIAL_MODES,
    COMPANY_FIELDS,
    DOCUMENT_LIMIT_FIELDS,
    LABEL_LAYOUTS,
    PLANS,
    SETTINGS_GROUPS,
    VALUATION_METHODS,
    settings_as_dict,
)

from .secured_view import SecuredBaseView
from .text_limits import at_most

LABEL_LAYOUT_NAMES = {"a4_3x7": "A4 sheet, 3 × 7 (63.5 × 38.1 mm, like Avery L7160)",
                      "letter_3x10": "Letter sheet, 3 × 10 (2.625 × 1 in, like Avery 5160)",
                      "roll_62x29mm": "Roll, one label of 62 × 29 mm",
                      "roll_2.25x1.25in": "Roll, one label of 2.25 × 1.25 in"}


class SettingsForm(FlaskForm):
    # The company profile: printed at the head of packing lists.
    company_name = StringField("Company name", validators=[at_most(NAME_MAX_LENGTH, "The company name")],
                               render_kw={"maxlength": NAME_MAX_LENGTH, "autocomplete": "organization"})
    company_address = TextAreaField("Address", validators=[at_most(ADDRESS_MAX_LENGTH, "The address")],
                                    description="As it is printed: one line for each line of the address.",
                                    render_kw={"rows": 4, "maxlength": ADDRESS_MAX_LENGTH})
    company_logo = FileField("Logo", description=f"A PNG or JPEG image of at most {COMPANY_LOGO_MAX_BYTES // 1024 // 1024}"
                             " MB, printed at the top left of packing lists.",
                             render_kw={"accept": "image/png,image/jpeg"})
    remove_company_logo = BooleanField("Remove the logo")
    plan = SelectField("Plan", choices=[SelectChoice(p, p.capitalize()) for p in PLANS])
    value_serials_by_specific_id = BooleanField(
        "Value serials by specific ID",
        description="Each serial unit keeps the exact cost it was received at, whatever the valuation method.",
    )
    valuation_method = SelectField(
        "Valuation method", choices=[SelectChoice(m, m.upper() if m == "fifo" else m.capitalize()) for m in VALUATION_METHODS]
    )
    auto_serial_enabled = BooleanField("Automatically generate serial numbers")
    auto_serial_prefix = StringField("Serial number prefix")
    auto_serial_length = IntegerField("Number length", validators=[InputRequired()],
                                      description="Digits in the number part, zero-padded.")
    auto_serial_mode = SelectField("Numbering", choices=[SelectChoice(m, m.capitalize()) for m in AUTO_SERIAL_MODES])
    auto_serial_next_number = IntegerField("Next number (sequential)", validators=[InputRequired()])
    show_warranty_on_serial_units = BooleanField(
        "Show warranty on serial units", description="Packing lists show each unit's warranty name, start and end."
    )
    label_layout = SelectField("Label layout", choices=[SelectChoice(layout, LABEL_LAYOUT_NAMES[layout])
                                                        for layout in LABEL_LAYOUTS],
                               # Checked by the settings' shape, which names the layouts; a form posted
                               # without the Labels group leaves it alone (see as_nested).
                               validate_choice=False,
                               description="A sheet of labels for an office printer, or one label a page for a "
                                           "label printer's roll.")
    label_show_warranty_end = BooleanField("Show the warranty end on labels",
                                           description="For units that have a warranty end.")
    # The settings as the page showed them: a save made after someone else's is refused, not merged.
    read_version = HiddenField()

    # Empty: the server's default, which the view writes into each description.
    max_lines_per_document = IntegerField("Lines per document", validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message="Give a number of lines of at least 1, or leave it empty.")])
    max_serials_per_document = IntegerField("Serial numbers per document", validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message="Give a number of serials of at least 1, or leave it empty.")])

    GROUP_TITLES = {"inventory": "Inventory settings", "purchasing": "Purchasing settings", "sales": "Sales settings",
                    "labels": "Labels"}

    COMPANY = ("company_name", "company_address", "company_logo", "remove_company_logo")

    def groups(self):
        yield "Company", [self[name] for name in self.COMPANY]
        yield "Plan", [self.plan]
        for group, fields in SETTINGS_GROUPS.items():
            yield self.GROUP_TITLES[group], [self[name] for name in fields]
        yield "Document limits", [self[name] for name in DOCUMENT_LIMIT_FIELDS]

    def describe_limits(self, server: Limits) -> None:
        """Say what an empty limit means: the server's own."""
        for name in DOCUMENT_LIMIT_FIELDS:
            default = getattr(server, name.removeprefix("max_"))
            self[name].description = (f"The most one document may carry. Empty: the server's default, {default:,}. "
                                      "A larger document takes longer to post, and other saves wait meanwhile.")

    def as_nested(self) -> dict:
        data = {"plan": self.plan.data}
        for group, fields in SETTINGS_GROUPS.items():
            if group == "labels" and not self.label_layout.raw_data:
                # Posted from a page without the Labels group (opened before it existed): its unticked-looking
                # box is no answer, so the label settings stay as they are.
                continue
            data[group] = {name: self[name].data for name in fields}
        # Read by the API's shape: the same trimming of each address line and the same limits.
        data["company"] = {name: self[column].data or None for name, column in COMPANY_FIELDS.items()}
        return data

    def apply_logo(self, settings) -> None:
        """Keep an uploaded logo (checked and re-encoded), or remove the one kept."""
        upload = self.company_logo.data
        if self.remove_company_logo.data:
            settings.company_logo = settings.company_logo_type = None
        elif upload is not None and getattr(upload, "filename", None):
            settings.company_logo, settings.company_logo_type = read_logo(upload.read())


class SettingsView(SecuredBaseView):
    """``apply_settings(settings, nested)`` reads the screen's values as the API's settings shape and applies them.

    It is handed in by the app factory, so this screen and the API read one declaration of the settings
    without either importing the other.
    """

    read_right = "manage_settings"

    def __init__(self, *args, apply_settings, **kwargs):
        self.apply_settings = apply_settings
        super().__init__(*args, **kwargs)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = SettingsForm()
        if request.method == "GET":
            current = settings_as_dict(Settings.current(db.session))
            form.read_version.data = values_digest(current)
            form.plan.data = current["plan"]
            for group in SETTINGS_GROUPS:
                for name, value in current[group].items():
                    form[name].data = value
            for name, column in COMPANY_FIELDS.items():
                form[column].data = current["company"][name]
            settings = Settings.current(db.session)
            for name in DOCUMENT_LIMIT_FIELDS:
                form[name].data = getattr(settings, name)
        elif form.validate_on_submit():
            try:
                with unit_of_work(db.session):
                    settings = Settings.current(db.session, for_update=True)
                    if form.read_version.data != values_digest(settings_as_dict(settings)):
                        # Automatic numbering moves the next number on too: saving the page's old one would undo it.
                        raise Conflict("These settings were changed by someone else after you opened them; nothing "
                                       "was saved. Reload to see their change.")
                    self.apply_settings(settings, form.as_nested())
                    form.apply_logo(settings)
                    for name in DOCUMENT_LIMIT_FIELDS:
                        setattr(settings, name, form[name].data)
            except SerialInventoryError as exc:
                for problem in exc.errors or [exc]:
                    flash(getattr(problem, "message", str(problem)), "error")
            else:
                flash("Settings saved.", "success")
                return redirect(url_for(".index"))
        form.describe_limits(current_app.extensions[LIMITS_KEY])
        settings = Settings.current(db.session)
        return self.render("sos/settings.html", form=form,
                           logo_uri=data_uri(settings.company_logo, settings.company_logo_type))
