"""Alembic environment: runs against the app's own engine and metadata (Flask-Migrate)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from sos_serial.models._columns import built_on

config = context.config
if config.config_file_name is not None:
    # Keep the application's loggers working after a migration runs in-process.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
target_metadata = migrate_ext.db.metadata
engine = migrate_ext.db.engine  # Flask-SQLAlchemy 3: db.engine, not the deprecated get_engine()
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def _skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copying it and dropping the old one, which SQLite's foreign
            # keys refuse while other tables point at its rows. The pragma takes effect only outside a
            # transaction, so it is set on the driver's connection before the migration's one begins;
            # every key is checked again before the migration commits.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        conf_args.setdefault("include_object", built_on(connection.dialect.name))
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"The migration would leave rows pointing at nothing: {broken[:10]}")
        if sqlite:
            # Never hand this connection back with its keys off: the pool opens a new one instead.
            connection.invalidate()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
