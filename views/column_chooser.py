"""The column chooser: each user turns a list's columns on and off, and the list remembers it."""
from __future__ import annotations

from flask import g, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_login import current_user

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import ColumnPreference


class ColumnChooser:
    """Mixin for a ModelView whose ``column_list`` holds every column a user may show.

    ``column_chooser_default`` are shown until the user chooses; ``column_chooser_fixed``
    are always shown. The choice is stored per user and per view (the view's endpoint).
    """

    column_chooser_default: tuple[str, ...] = ()
    column_chooser_fixed: tuple[str, ...] = ()

    def visible_column_names(self) -> list[str]:
        cache = g.setdefault("sos_visible_columns", {})
        if self.endpoint not in cache:
            chosen = None
            if current_user.is_authenticated:
                chosen = ColumnPreference.visible_columns(db.session, current_user.id, self.endpoint)
            wanted = set(self.column_chooser_default if chosen is None else chosen) | set(self.column_chooser_fixed)
            cache[self.endpoint] = [name for name, _ in self._list_columns if name in wanted]
        return cache[self.endpoint]

    def visible_list_columns(self) -> list[tuple[str, str]]:
        visible = set(self.visible_column_names())
        return [(name, label) for name, label in self._list_columns if name in visible]

    def column_chooser_entries(self) -> list[dict]:
        visible = set(self.visible_column_names())
        return [{"name": name, "label": label, "shown": name in visible, "fixed": name in self.column_chooser_fixed}
                for name, label in self._list_columns]

    def _get_column_by_idx(self, idx):
        # The list's sort links number the columns shown, not every column.
        columns = self.visible_list_columns()
        if idx is None or idx < 0 or idx >= len(columns):
            return None
        return columns[idx]

    def render(self, template, **kwargs):
        if template == self.list_template:
            kwargs["list_columns"] = self.visible_list_columns()
        return super().render(template, **kwargs)

    @expose("/columns/", methods=("POST",))
    def columns_view(self):
        with unit_of_work(db.session):
            if "reset" in request.form:
                ColumnPreference.forget(db.session, current_user.id, self.endpoint)
            else:
                chosen = set(request.form.getlist("columns")) | set(self.column_chooser_fixed)
                names = [name for name, _ in self._list_columns if name in chosen]
                ColumnPreference.remember(db.session, current_user.id, self.endpoint, names)
        return redirect(get_redirect_target() or self.get_url(".index_view"))
