"""The plugins' screens: the views of the ``admin_views`` hook, checked and added after the module's own."""
from __future__ import annotations

from flask_admin import BaseView

from sos_serial.plugins import EXTENSION_KEY
from sos_serial.plugins.declared import declared, note_declaration
from sos_serial.security.plugin_rights import require_known_right

from .secured_view import SecuredModelView, SecuredView

WRITE_RIGHTS = ("create_right", "edit_right", "delete_right")


def add_plugin_views(admin, app) -> None:
    """Add each switched-on plugin's views to ``admin``, or stop the start-up naming the plugin at fault."""
    owners = {view.endpoint: "the module" for view in admin._views}
    for plugin, view in declared(app.extensions[EXTENSION_KEY], "admin_views", BaseView, "Flask-Admin views"):
        label = f"the screen '{view.name or type(view).__name__}'"
        if not isinstance(view, SecuredView):
            raise RuntimeError(
                f"The plugin '{plugin}' adds {label} ({type(view).__name__}), which is not built on "
                "sos_serial.views.SecuredBaseView or SecuredModelView: it would be open to anyone, signed in or "
                "not. Build the view on one of them and give it a read_right.")
        rights = [view.read_right]
        if isinstance(view, SecuredModelView):
            rights += [getattr(view, attr) for attr in WRITE_RIGHTS if getattr(view, attr) is not None]
        for right in rights:
            require_known_right(app, plugin, right, label)
        if view.endpoint in owners:
            clash = owners[view.endpoint]
            clash = clash if clash == "the module" else f"the plugin '{clash}'"
            raise RuntimeError(
                f"The plugin '{plugin}' adds {label} under the endpoint '{view.endpoint}', which {clash} already "
                "uses. Give the view an endpoint of its own, such as one starting with the plugin's name.")
        owners[view.endpoint] = plugin
        admin.add_view(view)
        where = f"{view.category} > {view.name}" if view.category else view.name
        note_declaration(app, plugin, f"screen {where} at {view.url} (needs {view.read_right})")
