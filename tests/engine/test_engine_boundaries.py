"""The engine runs without Flask: it imports none of it, and posts through a plain SQLAlchemy session."""
from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

import sos_serial
from sos_serial.api.schemas.transactions import read_document
from sos_serial.database.connections import configure_engine
from sos_serial.database.session_rules import bind_rules, rules_of
from sos_serial.engine.limits import Limits
from sos_serial.engine.posting import post_transaction
from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Item, Location, SerialUnit, Settings
from sos_serial.plugins import create_plugin_manager

PACKAGE = Path(sos_serial.__file__).parent
# Web code, and the host's modules that read the Flask app (its extensions, its plugin manager).
WEB = ("flask", "flask_", "werkzeug", "sos_serial.extensions", "sos_serial.plugins", "sos_serial.views",
       "sos_serial.api", "sos_serial.security")


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Name) and node.id == "current_app":
            names.add("current_app")
    return names


def web_imports(path: Path) -> list[str]:
    return sorted(name for name in imported_names(path)
                  if name == "current_app" or any(name == web or name.startswith(web if web.endswith("_")
                                                                                  else web + ".")
                                                  for web in WEB))


@pytest.mark.parametrize("path", sorted((PACKAGE / "engine").glob("*.py")), ids=lambda p: p.name)
def test_the_engine_imports_no_web_code(path):
    assert web_imports(path) == []


@pytest.mark.parametrize("path", sorted(p for p in (PACKAGE / "database").glob("*.py") if p.name != "__init__.py"),
                         ids=lambda p: p.name)
def test_the_database_adapters_import_no_web_code(path):
    # database/__init__.py is the one place that binds them to the app (init_app).
    assert web_imports(path) == []


class Watching:
    """A plugin that notes each document its hooks are called for."""

    def __init__(self):
        self.checked, self.posted = [], []

    @hookimpl
    def validate_transaction(self, document):
        self.checked.append(document.type)

    @hookimpl
    def transaction_posted(self, document):
        self.posted.append(document.number)


@pytest.fixture
def plain_session(database_url):
    """A session on the test database made with SQLAlchemy alone: no app, no app context."""
    engine = create_engine(database_url)
    configure_engine(engine)
    bind_rules(engine, create_plugin_manager([Watching()]).hook)
    with Session(engine) as session:
        Settings.current(session)
        clock = Item(name="Armenian Mantel Clock", track_serials=True, cost=Decimal("149.99"))
        main = Location(name="Main Warehouse")
        session.add_all([clock, main])
        session.commit()
        yield session, clock.id, main.id
    engine.dispose()


def test_a_posting_runs_on_a_plain_session_with_the_limits_it_is_given(plain_session):
    session, clock, main = plain_session

    def receipt(*serials):
        return read_document({"type": "item_receipt", "date": "2026-01-05", "location_id": main,
                                         "lines": [{"item_id": clock, "quantity": len(serials),
                                                    "serials": list(serials)}]})

    with pytest.raises(InvalidInput, match="at most 1 fit in one document"):
        post_transaction(session, receipt("P-1", "P-2"), limits=Limits(serials_per_document=1))
    document = post_transaction(session, receipt("P-1", "P-2"))
    assert document.number.startswith("IR-")
    watching = next(p for p in rules_of(session).validate_transaction.get_hookimpls() if isinstance(p.plugin, Watching))
    assert (watching.plugin.checked, watching.plugin.posted) == (["item_receipt"], [document.number])
    assert sorted(session.scalars(select(SerialUnit.serial_number))) == ["P-1", "P-2"]
    assert session.get(Item, clock).quantity_on_hand == 2


def test_a_session_whose_engine_has_no_rules_refuses_to_post(database_url):
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, pytest.raises(RuntimeError, match="No rules are bound"):
            post_transaction(session, read_document({
                "type": "item_receipt", "date": "2026-01-05", "location_id": 1,
                "lines": [{"item_id": 1, "quantity": 1}]}))
    finally:
        engine.dispose()
