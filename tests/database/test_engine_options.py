"""The engine's options from the config: SOS_SERIAL_PGBOUNCER turns off server-side prepared statements on
PostgreSQL only, read from the environment or the app's config."""
from __future__ import annotations

from sos_serial.config import default_config, engine_options

POSTGRES = "postgresql+psycopg://app@db.internal:6432/sos"


def test_behind_pgbouncer_postgresql_connections_prepare_nothing():
    assert engine_options(POSTGRES, True)["connect_args"] == {"prepare_threshold": None}
    assert "connect_args" not in engine_options(POSTGRES, False)


def test_the_setting_changes_nothing_on_sqlite():
    assert engine_options("sqlite:///instance/sos.sqlite3", True) == engine_options("sqlite:///x.sqlite3", False)


def test_the_setting_is_read_from_the_environment_unless_the_config_gives_it(monkeypatch, tmp_path):
    monkeypatch.setenv("SOS_SERIAL_PGBOUNCER", "1")
    from_environment = default_config(str(tmp_path), {"SQLALCHEMY_DATABASE_URI": POSTGRES, "SECRET_KEY": "k"})
    assert from_environment["SOS_SERIAL_PGBOUNCER"] is True
    assert from_environment["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"prepare_threshold": None}
    given = default_config(str(tmp_path), {"SQLALCHEMY_DATABASE_URI": POSTGRES, "SECRET_KEY": "k",
                                           "SOS_SERIAL_PGBOUNCER": False})
    assert given["SOS_SERIAL_PGBOUNCER"] is False and "connect_args" not in given["SQLALCHEMY_ENGINE_OPTIONS"]


def test_an_app_on_sqlite_with_the_setting_on_still_reads_and_writes(app_config, stock_free_app_factory):
    from sqlalchemy import text

    from sos_serial.extensions import db

    made = stock_free_app_factory({**app_config, "SOS_SERIAL_PGBOUNCER": True})
    with made.app_context():
        assert db.session.execute(text("SELECT count(*) FROM items")).scalar() == 0
        db.session.remove()
