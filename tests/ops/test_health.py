"""/healthz answers while the process runs; /readyz only while the database is reachable and fully migrated."""
from __future__ import annotations

import shutil
import socket

import flask_migrate
import pytest

from sos_serial.extensions import db
from sos_serial.ops.health import migrations


def test_healthz_and_readyz_answer_anyone_on_a_migrated_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok"}
    assert ready.headers["X-Request-Id"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_url(db_backend, tmp_path) -> str:
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path}/no-such-folder/sos_serial.sqlite3"
    return f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/sos_serial"


def test_readyz_is_503_naming_the_problem_when_the_database_cannot_be_reached(
        app_config, stock_free_app_factory, unreachable_url):
    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": unreachable_url})
    client = app.test_client()
    # The process is up all the same.
    assert client.get("/healthz").get_json() == {"status": "ok"}
    answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "unavailable"
    assert body["problems"] == ["The database cannot be reached (see the log for why)."]
    # The database's own words (host, port, driver) stay in the log.
    assert "127.0.0.1" not in answer.text and "psycopg" not in answer.text


@pytest.fixture
def fresh_database_url(db_backend, migrated_database, tmp_path, request) -> str:
    """A migrated database of this test's own, to move up and down the migrations."""
    if db_backend == "sqlite":
        path = tmp_path / "own.sqlite3"
        shutil.copyfile(migrated_database.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    from sos_serial.testing.databases import migrate

    url = request.getfixturevalue("empty_postgres_database")
    migrate(url)
    yield url


def test_readyz_is_503_one_migration_behind_and_200_after_the_upgrade(
        app_config, stock_free_app_factory, fresh_database_url):
    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        (head,) = migrations().heads
        flask_migrate.downgrade(revision="-1")
        db.engine.dispose()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    (problem,) = answer.get_json()["problems"]
    assert problem.startswith(f"The database schema is not at the newest migration ({head}): it is at ")
    assert "flask --app sos_serial db upgrade" in problem
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        db.engine.dispose()
    assert client.get("/readyz").status_code == 200


def test_readyz_is_503_on_a_database_never_migrated(app_config, stock_free_app_factory, tmp_path):
    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/empty.sqlite3"})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["problems"] == [
        "The database has no migration state: run `flask --app sos_serial db upgrade`."]
