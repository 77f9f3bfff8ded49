"""Fixtures every folder uses: the app on its database, clients, users, the small company.

Every suite runs on SQLite (--db=sqlite) and on PostgreSQL (--db=postgresql).

Both build their schema with the real Alembic migrations. SQLite gets a fresh copy of a
migrated file per test; PostgreSQL migrates one database per run and empties it after each
test. Without SOS_SERIAL_TEST_POSTGRES_URL a throwaway server is started for the run; a
missing server fails the run rather than skipping it.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from sos_serial import create_app
from sos_serial.extensions import db
from sos_serial.models import User
from sos_serial.security.sign_in_limits import LIMITER_KEY
from sos_serial.testing import postgres_server
from sos_serial.testing.databases import driver_url, empty_postgres, migrate, new_postgres_database
from tests.support.web import PASSWORD, csrf_token_from
from tests.support.world import Company, make_company

# Every app the tests build, in this process or a command it starts, keeps its instance folder
# (secret key, default SQLite file) out of the checkout.
os.environ.setdefault("SOS_SERIAL_INSTANCE_PATH", tempfile.mkdtemp(prefix="sos-serial-instance-"))


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the database every suite runs on")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs in the SQLite pass only")
    config.addinivalue_line("markers", "postgresql_only: runs in the PostgreSQL pass only")
    config.addinivalue_line("markers", "own_app(plugins=[fixture names], **settings): the test's `co` lives in "
                                       "an app of its own with these settings and the plugins those fixtures give")


def pytest_collection_modifyitems(config, items):
    # A database-specific test is deselected, not skipped, in the other pass.
    other = "postgresql_only" if config.getoption("--db") == "sqlite" else "sqlite_only"
    keep = [item for item in items if other not in item.keywords]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if other in item.keywords])
        items[:] = keep


def pytest_report_header(config):
    return f"database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def db_backend(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def postgres_admin_url():
    url = os.environ.get("SOS_SERIAL_TEST_POSTGRES_URL")
    if url:
        yield driver_url(url)
        return
    directory, url = postgres_server.start()
    try:
        yield url
    finally:
        postgres_server.stop(directory)


@pytest.fixture(scope="session")
def migrated_database(db_backend, tmp_path_factory, request):
    """The URL of a freshly migrated database (SQLite: the template file to copy)."""
    if db_backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        url = f"sqlite:///{path}"
        migrate(url)
        yield url
        return
    with new_postgres_database(request.getfixturevalue("postgres_admin_url"), "sos_serial_test") as url:
        migrate(url)
        yield url


@pytest.fixture
def empty_postgres_database(postgres_admin_url):
    """The URL of a PostgreSQL database that nothing has migrated yet, dropped after the test."""
    with new_postgres_database(postgres_admin_url, "sos_serial_empty") as url:
        yield url


# One app per database URL for the whole run: building the admin's routes costs more than most
# tests. Each test still gets a database as new: SQLite's file is replaced from the migrated
# template before the test, PostgreSQL's tables are emptied after it.
_SHARED_APPS: dict[str, object] = {}


@pytest.fixture(scope="session")
def live_database_path(db_backend, tmp_path_factory):
    return tmp_path_factory.mktemp("live") / "sos_serial.sqlite3"


@pytest.fixture
def database_url(db_backend, migrated_database, live_database_path):
    if db_backend == "sqlite":
        url = f"sqlite:///{live_database_path}"
        _dispose(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live_database_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(migrated_database.removeprefix("sqlite:///"), live_database_path)
        yield url
        return
    yield migrated_database
    _dispose(migrated_database)
    empty_postgres(migrated_database)


def _dispose(url: str) -> None:
    shared = _SHARED_APPS.get(url)
    if shared is not None:
        with shared.app_context():
            db.session.remove()
            db.engine.dispose()


# A window of document dates no test's fixed date falls out of (year 1 to 9999, from any day).
OPEN_WINDOW_YEARS, OPEN_WINDOW_DAYS = 10_000, 10**7


@pytest.fixture
def app_config(database_url) -> dict:
    # The tests post on fixed dates (2026-01-05, a leap day of 2028): the window of document dates is opened
    # wide, so they pass whatever the day; tests/engine/test_document_dates.py checks the window in apps of its own.
    return {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
            "SOS_SERIAL_DOCUMENT_YEARS_BACK": OPEN_WINDOW_YEARS, "SOS_SERIAL_DOCUMENT_DAYS_AHEAD": OPEN_WINDOW_DAYS}


@pytest.fixture
def app(app_config):
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    app = _SHARED_APPS.get(url)
    if app is None:
        app = _SHARED_APPS[url] = create_app(dict(app_config))
    saved = dict(app.config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    # The app outlives the test: so would its counts of failed sign-ins from 127.0.0.1.
    app.extensions[LIMITER_KEY].reset()
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def stock_free_app_factory():
    """Builds extra apps (e.g. with test plugins) and disposes of their engines afterwards."""
    made = []

    def make(config):
        made.append(create_app(config))
        return made[-1]

    yield make
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def session(app):
    """The app's ORM session, inside an app context."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def co(request, app_config, stock_free_app_factory) -> Company:
    """The small company of tests/support/world.py, in the app the test posts through, its app context open.

    That is the shared ``app``; a test marked ``own_app(...)`` gets an app of its own with the
    settings the mark names, plus the plugins given by the fixtures it names in ``plugins``.
    """
    mark = request.node.get_closest_marker("own_app")
    if mark is None:
        request.getfixturevalue("session")
        yield make_company(db.session)
        return
    settings = dict(mark.kwargs)
    plugins = [request.getfixturevalue(name) for name in settings.pop("plugins", ())]
    if plugins:
        settings["SOS_SERIAL_PLUGINS"] = plugins
    own = stock_free_app_factory({**app_config, **settings})
    with own.app_context():
        yield make_company(db.session)
        db.session.rollback()


@pytest.fixture
def demo(app):
    """The demo company's records, without its opening stock."""
    from sos_serial.fixtures import load_demo_data

    with app.app_context():
        load_demo_data(db.session, stock=False)
        db.session.remove()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD hashed once per run by User.set_password: scrypt takes about 0.2 s, and most tests sign someone in."""
    user = User(username="anyone", role="clerk")
    user.set_password(PASSWORD)
    return user.password_hash


@pytest.fixture
def make_user(app, password_hash):
    """``make_user(role, username=role)``: a user who signs in with PASSWORD; returns the user's id."""

    def make(role: str, username: str | None = None):
        with app.app_context():
            user = User(username=username or role, role=role, password_hash=password_hash)
            db.session.add(user)
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id

    return make


@pytest.fixture
def login(client, make_user):
    """Sign in through the real login form as a new user of the given role."""

    def sign_in(role: str = "admin", username: str | None = None):
        make_user(role, username)
        page = client.get("/login")
        response = client.post("/login", data={
            "username": username or role, "password": PASSWORD, "csrf_token": csrf_token_from(page.text),
        })
        assert response.status_code == 302, response.text
        return client

    return sign_in
