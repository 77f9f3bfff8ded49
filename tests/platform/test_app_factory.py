"""The app factory: configuration from the environment, and the secret key kept out of the code."""
import stat

import pytest

from sos_serial import create_app
from sos_serial.config import database_url, secret_key
from sos_serial.extensions import db


def test_database_url_defaults_to_sqlite_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SOS_SERIAL_DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)) == f"sqlite:///{tmp_path}/sos_serial.sqlite3"


def test_the_default_database_gets_its_folder_made(monkeypatch, tmp_path):
    # A server given SOS_SERIAL_SECRET_KEY never writes the key's file, which used to be what made the folder.
    monkeypatch.delenv("SOS_SERIAL_DATABASE_URL", raising=False)
    folder = tmp_path / "var" / "sos-serial"
    assert database_url(str(folder)) == f"sqlite:///{folder}/sos_serial.sqlite3"
    assert folder.is_dir()


def test_database_url_from_environment_uses_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("SOS_SERIAL_DATABASE_URL", "postgresql://u@db.example/inv")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u@db.example/inv"


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SOS_SERIAL_SECRET_KEY", raising=False)
    first = secret_key(str(tmp_path))
    assert len(first) == 64
    assert secret_key(str(tmp_path)) == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_secret_key_from_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("SOS_SERIAL_SECRET_KEY", "from-env")
    assert secret_key(str(tmp_path)) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_create_app_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SOS_SERIAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SOS_SERIAL_DATABASE_URL", raising=False)
    monkeypatch.delenv("SOS_SERIAL_SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/sos_serial.sqlite3"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text()
    with app.app_context():
        db.engine.dispose()


def test_each_app_is_independent(app_config):
    first, second = create_app(app_config), create_app(dict(app_config, SECRET_KEY="other"))
    assert first is not second
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
