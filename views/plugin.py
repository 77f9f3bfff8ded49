"""Plugins: every loaded plugin with its hooks' call order, and a switch for each third-party one."""
from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired

from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.plugins import EXTENSION_KEY
from sos_serial.plugins.catalog import describe_plugins
from sos_serial.plugins.declared import declarations_of
from sos_serial.plugins.switches import switch_off, switch_on

from .secured_view import SecuredBaseView


class PluginSwitchForm(FlaskForm):
    name = HiddenField(validators=[InputRequired()])
    state = HiddenField(validators=[AnyOf(("on", "off"))])


class PluginView(SecuredBaseView):
    read_right = "manage_settings"

    @expose("/")
    def index(self):
        manager = current_app.extensions[EXTENSION_KEY]
        plugins = describe_plugins(manager)
        forms = {p.name: PluginSwitchForm(name=p.name, state="on" if p.switched_off else "off")
                 for p in plugins if not p.builtin}
        # What each plugin declared when this app started: its permissions, screens and routes.
        declarations = {p.name: declarations_of(current_app, p.name) for p in plugins}
        return self.render("sos/plugins.html", plugins=plugins, forms=forms, declarations=declarations)

    @expose("/switch", methods=("POST",))
    def switch(self):
        form = PluginSwitchForm()
        if not form.validate_on_submit():
            flash("The switch was not changed: the form had expired. Please try again.", "error")
            return redirect(url_for(".index"))
        manager, name = current_app.extensions[EXTENSION_KEY], form.name.data
        try:
            if form.state.data == "off":
                switch_off(db.session, manager, name, by=current_user.username)
            else:
                switch_on(db.session, manager, name)
        except SerialInventoryError as exc:
            flash(exc.message, "error")
        else:
            flash(f"The plugin '{name}' is switched {form.state.data}. Other app processes follow within a few "
                  "seconds.", "success")
        return redirect(url_for(".index"))
