"""Databases for tests: migrating one with the real Alembic migrations, making and emptying PostgreSQL ones."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from sos_serial import create_app
from sos_serial.extensions import db


def migrate(url: str, plugins=()) -> None:
    """Bring the database at ``url`` to the newest schema, as `flask db upgrade` does: the module's
    migrations, those of the installed plugins, and those of the plugin objects in ``plugins``."""
    import flask_migrate

    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate"}
    if plugins:
        config["SOS_SERIAL_PLUGINS"] = list(plugins)
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        db.engine.dispose()


def driver_url(url: str) -> str:
    """A PostgreSQL URL as SQLAlchemy needs it for psycopg 3 (``postgresql://`` alone means psycopg2)."""
    if url.startswith("postgresql://"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


@contextmanager
def new_postgres_database(admin_url: str, prefix: str):
    """A new, empty database on the server of ``admin_url``; yields its URL and drops it afterwards."""
    admin_url = driver_url(admin_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_postgres(url: str) -> None:
    """Empty every table but Alembic's, so the next test starts from a migrated, empty database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        # TRUNCATE fires no row triggers, so the append-only history can be emptied between tests.
        # A connection a test left open would make TRUNCATE wait for ever: fail instead.
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
