"""The testing kit: pytest fixtures for a plugin's tests, an app on a fresh migrated database and its helpers.

Registered only when a run asks for it: ``--sos-serial``, ``sos_serial_testing = true`` in the ini
file (both through the ``pytest11`` entry point, sos_serial/testing_switch.py), or the plain pytest
ways ``-p sos_serial.testing`` and ``pytest_plugins = ["sos_serial.testing"]``. Every fixture's name
starts with ``sos_`` so it cannot shadow a fixture of the project that uses the kit.

The database is SQLite in the test's tmp_path by default: one file migrated with the real Alembic
migrations per run, copied afresh for each test. With ``--sos-serial-postgres URL`` (or
SOS_SERIAL_TEST_POSTGRES_URL) the kit makes its own database on that server, migrates it once,
empties it after each test and drops it at the end.

    sos_app          the app (create_app) on the test's database; ``@pytest.mark.sos_serial_app(
                     plugins=[obj], **settings)`` builds it with plugin objects and settings
    sos_make_app     ``sos_make_app(plugins=[obj], **settings)``: one more app on the same database
    sos_session      the app's ORM session, its app context open for the test (it sees what an API
                     request wrote once its own transaction ends: commit or rollback)
    sos_client       the app's Flask test client
    sos_api          ``sos_api(role="clerk")``: an ApiClient with a fresh user's bearer token
    sos_web          ``sos_web(role="clerk")``: a test client signed in to the screens as a fresh user
    sos_make         factories: ``item``, ``location``, ``customer``, ``unit``, ``user``
    sos_post         ``sos_post(type=..., lines=[...], ...)``: a document in the API's JSON shape,
                     posted through the engine's one path; returns the posted Transaction
    sos_database_url the test's database URL; sos_backend "sqlite" or "postgresql"
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from decimal import Decimal

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from sos_serial import create_app
from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.posting import post_transaction
from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialUnit, User
from sos_serial.testing.api import API, ApiClient, issue_token
from sos_serial.testing.databases import driver_url, empty_postgres, migrate, new_postgres_database
from sos_serial.testing_switch import POSTGRES_ENV

__all__ = ["API", "ApiClient", "Factories", "issue_token"]

DATE = "2026-01-05"
WEB_PASSWORD = "the testing kit's password"


def pytest_configure(config):
    config.addinivalue_line("markers", "sos_serial_app(plugins=[objects], **settings): the test's sos_app is built "
                                       "with these plugin objects (SOS_SERIAL_PLUGINS) and settings")


def pytest_report_header(config):
    url = config.getoption("--sos-serial-postgres", default=None) or os.environ.get(POSTGRES_ENV)
    return f"sos-serial testing kit: {'PostgreSQL' if url else 'SQLite'}"


# ---------------------------------------------------------------------------- the database
@pytest.fixture(scope="session")
def sos_postgres_admin_url(pytestconfig) -> str | None:
    """The PostgreSQL server the run was pointed at, or None for SQLite."""
    url = pytestconfig.getoption("--sos-serial-postgres", default=None) or os.environ.get(POSTGRES_ENV)
    return driver_url(url) if url else None


@pytest.fixture(scope="session")
def sos_backend(sos_postgres_admin_url) -> str:
    return "postgresql" if sos_postgres_admin_url else "sqlite"


@pytest.fixture(scope="session")
def sos_instance_path(tmp_path_factory):
    """The apps' instance folder, out of the project's own folder."""
    path = tmp_path_factory.mktemp("sos-serial-instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOS_SERIAL_INSTANCE_PATH", str(path))
        yield path


@pytest.fixture(scope="session")
def sos_migrated_database(sos_postgres_admin_url, sos_instance_path, tmp_path_factory):
    """The URL of a database migrated once for the run (SQLite: the template file each test copies)."""
    if sos_postgres_admin_url is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('sos-serial-template') / 'template.sqlite3'}"
        migrate(url)
        yield url
        return
    with new_postgres_database(sos_postgres_admin_url, "sos_serial_kit") as url:
        migrate(url)
        yield url


@pytest.fixture
def sos_database_url(sos_migrated_database, tmp_path):
    """The test's database, migrated and empty."""
    if sos_migrated_database.startswith("sqlite:///"):
        path = tmp_path / f"sos_serial_{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(sos_migrated_database.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    yield sos_migrated_database
    empty_postgres(sos_migrated_database)


# ---------------------------------------------------------------------------- apps
@pytest.fixture
def sos_config(sos_database_url) -> dict:
    """The settings every app of the test starts from; override the fixture to change them for a module."""
    return {"SQLALCHEMY_DATABASE_URI": sos_database_url, "SECRET_KEY": "sos-serial-kit", "TESTING": True}


@pytest.fixture
def sos_make_app(sos_config):
    """``sos_make_app(plugins=[obj], **settings)``: an app on the test's database with these plugin objects."""
    made = []

    def make(plugins=(), **settings):
        config = {**sos_config, **settings}
        if plugins:
            config["SOS_SERIAL_PLUGINS"] = list(plugins)
        made.append(create_app(config))
        return made[-1]

    yield make
    # Every connection closed before PostgreSQL's tables are emptied.
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sos_app(request, sos_make_app):
    """The app on the test's database, with the plugins and settings of a ``sos_serial_app`` mark."""
    mark = request.node.get_closest_marker("sos_serial_app")
    return sos_make_app(**(mark.kwargs if mark else {}))


@pytest.fixture
def sos_session(sos_app):
    """The app's ORM session, inside an app context kept open for the test."""
    with sos_app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def sos_client(sos_app):
    return sos_app.test_client()


@pytest.fixture
def sos_api(sos_app):
    """``sos_api(role="clerk", username=None)``: an ApiClient whose token belongs to a new user of that role."""
    counter = iter(range(1, 1_000_000))

    def make(role: str = "clerk", username: str | None = None) -> ApiClient:
        name = username or f"{role}-{next(counter)}"
        return ApiClient(sos_app.test_client(), issue_token(sos_app, name, role), role, own_context=True)

    return make


class OwnContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as a browser's does: a
    request made while the test holds the app's context open (sos_session) would otherwise share the
    test's session, its transaction, and what that transaction has not yet seen."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def sos_web(sos_app):
    """``sos_web(role="clerk", username=None)``: a Flask test client signed in through the login form (its
    CSRF token included) as a new user of that role, for testing a plugin's screens and permissions."""
    counter = iter(range(1, 1_000_000))

    def make(role: str = "clerk", username: str | None = None):
        name = username or f"web-{role}-{next(counter)}"
        with sos_app.app_context():
            user = User(username=name, role=role)
            # One cheap hash: the kit signs in, it does not test password storage.
            user.password_hash = generate_password_hash(WEB_PASSWORD, method="pbkdf2:sha256:1")
            db.session.add(user)
            db.session.commit()
            db.session.remove()
        client = OwnContextClient(sos_app, sos_app.response_class, use_cookies=True)
        page = client.get("/login").get_data(as_text=True)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        answer = client.post("/login", data={"username": name, "password": WEB_PASSWORD,
                                             **({"csrf_token": found.group(1)} if found else {})})
        if answer.status_code != 302:
            raise RuntimeError(f"The kit could not sign in as {name} ({answer.status_code}).")
        return client

    return make


# ---------------------------------------------------------------------------- records and postings
class Factories:
    """Records made through the ORM (units through a receipt, the engine's one path), committed at once."""

    def __init__(self, session, post):
        self.session = session
        self._post = post
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _add(self, record):
        self.session.add(record)
        self.session.commit()
        return record

    def location(self, name: str | None = None, **fields):
        return self._add(Location(name=name or f"Location {self._next()}", **fields))

    def customer(self, name: str | None = None, **fields):
        return self._add(Customer(name=name or f"Customer {self._next()}", **fields))

    def item(self, name: str | None = None, *, tracked: bool = True, cost="10.00", **fields):
        """A serial-tracked item by default; ``tracked=False`` for a plain, quantity-only one."""
        number = self._next()
        fields.setdefault("sku", f"KIT-{number:04d}")
        return self._add(Item(name=name or f"Item {number}", track_serials=tracked, cost=Decimal(str(cost)),
                              **fields))

    def user(self, role: str = "clerk", username: str | None = None):
        user = User(username=username or f"{role}-user-{self._next()}", role=role)
        user.password_hash = "not-a-usable-hash"  # signs in only with a token the test issues
        return self._add(user)

    def unit(self, item=None, serial: str | None = None, location=None, *, date: str = DATE):
        """A serial unit in stock, received at ``location`` by an item receipt; returns the SerialUnit."""
        item = item or self.item()
        location = location or self.location()
        serial = serial or f"KIT-SN-{self._next():06d}"
        self._post(type="item_receipt", date=date, location_id=location.id,
                   lines=[{"item_id": item.id, "quantity": 1, "serials": [serial]}])
        return self.session.scalars(select(SerialUnit).where(
            SerialUnit.item_id == item.id, SerialUnit.serial_number == serial)).one()


@pytest.fixture
def sos_post(sos_session):
    """``sos_post(user=None, **document)``: post a document in the API's JSON shape through the engine.

    ``date`` defaults to 2026-01-05. The document is read by the API's own schema, so a shape
    problem raises as it would answer 400/422; a refused posting raises the engine's error
    (``InvalidInput``, ``Conflict``) with the clerk's message.
    """
    def post(user=None, **document):
        document.setdefault("date", DATE)
        return post_transaction(sos_session, read_document(document), user, current_app.extensions[LIMITS_KEY],
                                fields=current_app.extensions[CUSTOM_FIELDS_KEY])

    return post


@pytest.fixture
def sos_make(sos_session, sos_post) -> Factories:
    """Factories for items, locations, customers, users and units, in the test's app."""
    return Factories(sos_session, sos_post)
