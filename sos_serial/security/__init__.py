"""Who may do what: sign-in, API tokens, role rights (the module's and the plugins'), the users command, the
security headers, the audit log of who did what, and the control characters no request's text may hold."""
from __future__ import annotations


def init_app(app) -> None:
    from sos_serial.extensions import db
    from sos_serial.plugins import EXTENSION_KEY

    from . import audit, auth, headers, plugin_rights, request_id, request_input, users_cli

    audit.install(db.session)
    headers.init_app(app)
    request_id.init_app(app)
    request_input.init_app(app)
    auth.init_app(app)
    # The plugins are loaded and switched by now: their rights join the roles' before any screen asks.
    plugin_rights.init_plugin_rights(app, app.extensions[EXTENSION_KEY])
    app.cli.add_command(users_cli.users_cli)
