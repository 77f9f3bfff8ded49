"""The engine runs without Flask: it imports none of it, and posts through a plain SQLAlchemy session."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from sos_serial.api.schemas.transactions import read_document
from sos_serial.database.connections import configure_engine
from sos_serial.database.session_rules import bind_rules, rules_of
from sos_serial.engine.limits import Limits
from sos_serial.engine.posting import post_transaction
from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Item, Location, SerialUnit, Settings
from sos_serial.plugins import create_plugin_manager


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
