"""Base admin views: sign-in and role rights on every page, and refusals shown for the clerk.

The public base of every screen, the module's and the plugins' (``sos_serial.views`` exports it):
a plugin's view must be built on ``SecuredBaseView`` or ``SecuredModelView``, or the app refuses
to start, since Flask-Admin's own views are open to anyone.
"""
from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from flask import abort, flash, g, has_request_context, redirect, request, session, url_for
from flask_admin import BaseView
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.helpers import is_form_submitted
from flask_login import current_user
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from wtforms import HiddenField

from sos_serial.database.connections import lock_timed_out
from sos_serial.database.constraints import describe_integrity_error
from sos_serial.database.unavailable import database_unavailable
from sos_serial.engine.record_versions import record_digest
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Busy, SerialInventoryError
from sos_serial.extensions import db
from sos_serial.limits import MAX_PER_PAGE
from sos_serial.security.auth import READ_COSTS, can
from sos_serial.security.request_input import parse_int, query_int

from .csv_export import StreamedCsvExport, neutralise_cell
from .formats import DETAIL_TYPE_FORMATTERS, TYPE_FORMATTERS

log = logging.getLogger(__name__)

# The hidden input of every generated edit form: the version of the record the page showed.
READ_VERSION = "read_version"
# The form's own inputs that are not values of the record.
_NOT_RECORD_VALUES = {READ_VERSION, "csrf_token"}


class SecuredView:
    """Mixin: a page that needs a signed-in user holding ``read_right``.

    Someone not signed in is sent to the login page; a user whose role lacks the right gets a 403,
    and the menu does not show them the entry. ``read_right`` is one of the module's rights
    (``"read"``: everything a clerk reads, not held by support; ``"read_serial_units"``,
    ``"manage_settings"``...) or one a plugin declares with a ``Permission``.

    ``template_folder``: a folder of Jinja templates, relative to the file the view class is
    defined in (``"templates"``), searched after the app's own. A plugin's page extends the
    module's layout with ``{% extends 'admin/master.html' %}`` and names its templates under a
    folder of its own (``acme/audit.html``), since every folder shares one search path.
    """

    read_right = "read"
    template_folder: str | None = None

    def is_accessible(self) -> bool:
        return can(current_user, self.read_right)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        if self.template_folder is not None:
            # Flask searches every blueprint's template folder after the app's: the view's own folder
            # joins that search path, read from beside the class's module (its package when installed).
            here = Path(sys.modules[type(self).__module__].__file__).parent
            blueprint.template_folder = str(here / self.template_folder)
        return blueprint


class SecuredBaseView(SecuredView, BaseView):
    """A custom admin page, for a signed-in user whose role holds ``read_right``.

    Write its pages with Flask-Admin's ``@expose("/")`` and ``self.render(template, ...)``; give
    ``name``, ``category`` (one of this package's menu names, or a new one) and ``endpoint`` when
    making the instance. Check any further right inside a page with
    ``sos_serial.security.auth.can(current_user, right)``.
    """


def costs_shown() -> bool:
    """Whether the signed-in user reads costs, asked once per request: an export's rows stream after the
    request's session has closed, when the user's record can no longer be read."""
    if "sos_costs_shown" not in g:
        g.sos_costs_shown = can(current_user, READ_COSTS)
    return g.sos_costs_shown


class _WithoutCostColumns:
    """One of Flask-Admin's column attributes of a view, without its ``cost_columns`` for a role that does not read costs.

    Flask-Admin works out the list, details, export and sort columns once, when the view is made, and
    reads them from these attributes on every request: no public method is asked per request, so the
    columns a user may not see are taken out where they are read.
    """

    def __set_name__(self, owner, name):
        self.stored = f"_all{name}"

    def __get__(self, view, owner=None):
        if view is None:
            return self
        columns = view.__dict__.get(self.stored)
        if columns is None or not view.cost_columns or not has_request_context() or costs_shown():
            return columns
        if isinstance(columns, dict):
            return {name: column for name, column in columns.items() if name not in view.cost_columns}
        return [column for column in columns if column[0] not in view.cost_columns]

    def __set__(self, view, columns):
        view.__dict__[self.stored] = columns


class SecuredModelView(SecuredView, StreamedCsvExport, ModelView):
    """A model list with create/edit/delete allowed per role right; None allows no one.

    ``read_right`` opens the list; ``create_right``, ``edit_right`` and ``delete_right`` (each a
    right, or None for no one) allow the forms and deletes. Saves run in the module's unit of work
    and pass the module's rules; a refusal is shown to the clerk in the rule's own words. An export
    (``can_export``) is streamed, capped per role and recorded in the audit log (StreamedCsvExport).
    """

    create_right: str | None = "edit_master"
    edit_right: str | None = "edit_master"
    delete_right: str | None = None
    page_size = 50
    can_set_page_size = True
    # The most rows a list page shows when asked (?page_size=), as the API's lists.
    max_page_size = MAX_PER_PAGE
    # Deleting goes through the ORM, one object at a time, so every rule hook sees it.
    fast_mass_delete = False
    # CSV only: every cell passes get_export_value below, and no other format is offered.
    export_types = ["csv"]

    # Yes/No, dates, timestamps to the minute and money to two places on every list and detail page
    # (views/formats.py); exports keep the exact values.
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    # Columns of costs and values: listed, shown, sorted and exported only for roles holding "read_costs".
    cost_columns: tuple[str, ...] = ()
    _list_columns = _WithoutCostColumns()
    _details_columns = _WithoutCostColumns()
    _export_columns = _WithoutCostColumns()
    _sortable_columns = _WithoutCostColumns()
    # What the stale-save message calls one record of this screen ("customer"); from the model's name if None.
    record_noun: str | None = None

    _WRITE_ENDPOINTS = {
        "create_view": "create_right",
        "edit_view": "edit_right",
        "delete_view": "delete_right",
        # Inline list edits; list actions check their own rights through is_action_allowed.
        "ajax_update": "edit_right",
    }

    def _allowed(self, right_attr: str) -> bool:
        right = getattr(self, right_attr)
        return right is not None and can(current_user, right)

    @property
    def can_create(self) -> bool:
        return self._allowed("create_right")

    @property
    def can_edit(self) -> bool:
        return self._allowed("edit_right")

    @property
    def can_delete(self) -> bool:
        return self._allowed("delete_right")

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        right_attr = self._WRITE_ENDPOINTS.get(name)
        if right_attr and not self._allowed(right_attr):
            abort(403)
        return None

    # Saves from the generated forms (and inline list edits and deletes) write outside the posting:
    # each runs in a writing unit of work, so that on SQLite it holds the write lock from its first
    # statement and queues behind another writer instead of failing with "database is locked".
    # Flask-Admin's own method still commits, or rolls back and shows the refusal.
    # A save that cannot get the lock in time (Busy) is told like any refusal, on the form as the clerk filled it.
    def create_model(self, form):
        try:
            with unit_of_work(db.session):
                return self.saved(super().create_model(form))
        except Busy as exc:
            self.handle_view_exception(exc)
            return False

    # ---- the version an edit page read -------------------------------------------------------
    # Every generated edit form carries the version of the record it showed (a hidden input); a save
    # whose record changed since is refused with nothing written, so no one overwrites a change
    # they never saw. A screen with its own edit form (serial units) sends the unit's version column.
    def get_edit_form(self):
        form_class = super().get_edit_form()
        return type(form_class.__name__, (form_class,), {READ_VERSION: HiddenField()})

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if READ_VERSION in form and obj is not None and not is_form_submitted():
            form[READ_VERSION].data = self.record_version(obj, form)
        return form

    def record_version(self, model, form) -> str:
        """The record's version column where it has one, else a digest of the values the form edits."""
        version = getattr(model, "version", None)
        if isinstance(version, int):
            return str(version)
        attributes = inspect(type(model)).attrs.keys()
        names = sorted({name for name in form._fields if name not in _NOT_RECORD_VALUES and name in attributes}
                       | ({"custom_fields"} if "custom_fields" in attributes else set()))
        return record_digest(model, names)

    # ---- messages naming the record ------------------------------------------------------------
    # Flask-Admin flashes its stock words ("Record was successfully created.") after a save; each view's
    # pages are run through _run_view, which rewords them naming the record the save wrote.
    def record_noun_of(self, model) -> str:
        return self.record_noun or re.sub(r"(?<!^)(?=[A-Z])", " ", type(model).__name__).lower()

    def record_title(self, model) -> str:
        """How a message names one record: "Item Wall Barometer", "Customer Acme Clocks"."""
        name = getattr(model, "name", None) or getattr(model, "serial_number", None)
        noun = self.record_noun_of(model)
        noun = noun[:1].upper() + noun[1:]
        return f"{noun} {name}" if name else noun

    def saved(self, model):
        """Note ``model`` as the record this request saved (for the message); returns it."""
        if model:
            g.sos_saved_record = self.record_title(model)
        return model

    def _run_view(self, fn, *args, **kwargs):
        answer = super()._run_view(fn, *args, **kwargs)
        _reword_flashes(g.get("sos_saved_record"), g.get("sos_deleted_records"))
        return answer

    def stale_save_message(self, model) -> str:
        noun = self.record_noun_of(model)
        return (f"This {noun} was changed by someone else after you opened it; nothing was saved. "
                "Reload to see their change.")

    def update_model(self, form, model):
        try:
            with unit_of_work(db.session):
                # Read again under the lock (the row locked where the database can): the rules compare the
                # form's values with the record as it is now, and the version the page read with its version now
                # (of its own table only: PostgreSQL locks no row on the outer-joined side of an eager load).
                db.session.refresh(model, with_for_update={"of": type(model)})
                if READ_VERSION in form and form[READ_VERSION].data != self.record_version(model, form):
                    flash(self.stale_save_message(model), "error")
                    return False
                updated = super().update_model(form, model)
                if updated:
                    self.saved(model)
                return updated
        except Busy as exc:
            self.handle_view_exception(exc)
            return False

    def delete_model(self, model):
        title = self.record_title(model)
        with unit_of_work(db.session):
            db.session.refresh(model)
            deleted = super().delete_model(model)
        if deleted:
            g.sos_deleted_records = [*g.get("sos_deleted_records", []), title]
        return deleted

    # The list's "With selected > Delete". The chosen ids arrive from the form as text, and PostgreSQL
    # compares no integer key with text (Flask-Admin's query then fails there): each is read as the
    # key's type first, and one that is not an id selects nothing. The action keeps Flask-Admin's words.
    @action("delete", lazy_gettext("Delete"), lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        return super().action_delete(_ids_of_key_type(self.model, ids))

    def _get_list_extra_args(self):
        # Flask-Admin reads page, page_size, sort and desc with int(), which takes a number past any
        # database's range (an OFFSET that overflows) and digits of other scripts: each is read by the
        # module's one parser instead, and one that is not a number in range is as if not given.
        args = super()._get_list_extra_args()
        return args.clone(page=query_int("page", 0), page_size=query_int("page_size", 0, high=self.max_page_size),
                          sort=query_int("sort"), sort_desc=query_int("desc", 0, high=1))

    def get_one(self, id):
        # An id that no row's key can be (not a number, past the column's range) is no record: the
        # screen says "Record does not exist" instead of sending it to the database to overflow.
        keys = self.model.__mapper__.primary_key
        if len(keys) == 1 and _python_type(keys[0]) is int and parse_int(id, low=1) is None:
            return None
        return super().get_one(id)

    def _export_data(self):
        # Decided now, while the user's record is loaded: the export's columns are read again as it streams.
        costs_shown()
        return super()._export_data()

    def get_export_value(self, model, name):
        # The one path of every screen's CSV export, the plugins' included: no cell can start a formula.
        return neutralise_cell(super().get_export_value(model, name))

    def handle_view_exception(self, exc: Exception) -> bool:
        """Show the rule's own message, never raw database text; the save is rolled back."""
        if isinstance(exc, SerialInventoryError):
            flash(exc.message, "error")
            for problem in exc.errors:
                flash(problem.message, "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(describe_integrity_error(exc), "error")
            return True
        if lock_timed_out(exc):
            flash(Busy().message, "error")
            return True
        unavailable = database_unavailable(exc)
        if unavailable is not None:
            flash(unavailable.message, "error")
            return True
        if isinstance(exc, SQLAlchemyError):
            log.exception("Database error in %s", type(self).__name__)
            flash("The database refused this change, and nothing was saved. Please try again.", "error")
            return True
        return super().handle_view_exception(exc)


# Flask-Admin's stock words, and the module's in their place ({record}: the record the save wrote).
_STOCK_WORDS = {
    "Record was successfully created.": "{record} saved.",
    "Record was successfully saved.": "{record} saved.",
    "Failed to create record.": "Nothing was saved; see the message above.",
    "Failed to save record.": "Nothing was saved; see the message above.",
}


def _reword_flashes(saved: str | None, deleted: list[str] | None) -> None:
    flashes = session.get("_flashes")
    if not flashes:
        return
    reworded = []
    for category, message in flashes:
        text = str(message)
        if text in _STOCK_WORDS and ("{record}" not in _STOCK_WORDS[text] or saved):
            text = _STOCK_WORDS[text].format(record=saved)
            category = "error" if category == "danger" else category
        elif deleted and (text == "Record was successfully deleted."
                          or re.fullmatch(r"\d+ records were successfully deleted\.", text)):
            text = (f"{deleted[0]} deleted." if len(deleted) == 1
                    else f"{len(deleted)} records deleted: {', '.join(deleted[:5])}{'...' if len(deleted) > 5 else ''}.")
        reworded.append((category, text))
    # Written back only when a message changed: writing reissues the session cookie, and a request that
    # overlaps a page load (the form's serial check, sent as the clerk saves) would hand back messages
    # that page had already shown, to be shown again on the next.
    if reworded != [(category, str(message)) for category, message in flashes]:
        session["_flashes"] = reworded


def _ids_of_key_type(model, ids) -> list:
    """The form's ids as the model's one-column primary key takes them; those that are not such ids left out."""
    keys = model.__mapper__.primary_key
    if len(keys) != 1:
        return list(ids)
    python_type = _python_type(keys[0])
    if python_type is None:
        return list(ids)
    if python_type is int:
        return [key for key in (parse_int(value, low=1) for value in ids) if key is not None]
    typed = []
    for value in ids:
        try:
            typed.append(python_type(value))
        except (TypeError, ValueError):
            continue
    return typed


def _python_type(column):
    try:
        return column.type.python_type
    except NotImplementedError:
        return None
