"""sos-serial: serial-number inventory for an Odoo-style ERP, hosted in Flask + Flask-Admin.

``create_app()`` is the one place that knows every part and wires them together. Flask finds it by
name, so ``flask --app sos_serial ...`` runs the installed package from any folder.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

__all__ = ["create_app"]


def create_app(config: dict | None = None) -> Flask:
    """Build the application. ``config`` overrides the environment-derived defaults."""
    from . import api, database, ops, plugins, security
    from .api.schemas.settings import apply_settings
    from .api.schemas.transactions import read_document
    from .config import default_config
    from .engine.limits import LIMITS_KEY, Limits
    from .extensions import csrf, db, login_manager, migrate
    from .views import init_admin

    app = Flask(__name__, instance_path=instance_path())
    config = dict(config or {})
    app.config.from_mapping(default_config(app.instance_path, config))
    app.config.update(config)
    # The engine reads no config: what it may do is built once here and handed to it by its callers.
    app.extensions[LIMITS_KEY] = Limits.from_config(app.config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    # The database's connections are configured first: the plugins read their switches through one.
    database.init_app(app)
    plugins.init_app(app)

    security.init_app(app)
    ops.init_app(app)
    # The screens read the same declared shapes as the API, handed to them here.
    init_admin(app, read_document=read_document, apply_settings=apply_settings)
    api.init_app(app)
    return app


def instance_path() -> str:
    """SOS_SERIAL_INSTANCE_PATH, else ./instance in the folder the app is started from.

    Flask's own default lies inside the installation (``<prefix>/var/...``), where an installed
    wheel's database and secret key would be lost with the virtual environment.
    """
    return os.path.abspath(os.environ.get("SOS_SERIAL_INSTANCE_PATH") or "instance")


def _migrations_dir() -> Path:
    import sos_serial.migrations

    return Path(sos_serial.migrations.__file__).parent
