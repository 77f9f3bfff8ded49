"""Who may do what: sign-in, API tokens, role rights, and the users command."""
from __future__ import annotations


def init_app(app) -> None:
    from . import auth, users_cli

    auth.init_app(app)
    app.cli.add_command(users_cli.users_cli)
