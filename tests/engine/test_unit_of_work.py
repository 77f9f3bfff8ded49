"""The unit of work: all or nothing, a clash told as the caller's Conflict, earlier writes of the caller kept."""
import pytest
from sqlalchemy import select

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Item, Location


def names(session) -> set[str]:
    return set(session.scalars(select(Location.name)))


def test_it_commits_what_the_block_wrote(session):
    with unit_of_work(session):
        session.add(Location(name="Main Warehouse"))
    session.rollback()  # nothing left to undo: it is committed
    assert names(session) == {"Main Warehouse"}


def test_a_refusal_in_the_block_writes_nothing(session):
    with pytest.raises(InvalidInput), unit_of_work(session):
        session.add(Location(name="Main Warehouse"))
        session.flush()
        raise InvalidInput("No.")
    assert names(session) == set()


def test_a_constraint_clash_becomes_the_callers_conflict(session):
    session.add(Item(name="Cuckoo Clock"))
    session.commit()
    with pytest.raises(Conflict, match="Cuckoo Clock is taken") as refused, unit_of_work(
            session, lambda exc: Conflict("Cuckoo Clock is taken; pick another name.")):
        session.add(Item(name="Cuckoo Clock"))
    assert refused.value.__cause__ is None
    assert len(session.scalars(select(Item)).all()) == 1


def test_without_a_translator_the_constraint_explains_itself(session):
    session.add(Item(name="Cuckoo Clock"))
    session.commit()
    with pytest.raises(Conflict) as refused, unit_of_work(session):
        session.add(Item(name="Cuckoo Clock"))
    assert refused.value.message == "An item with this name already exists. Choose another name."


def test_writes_the_caller_made_before_are_kept_in_the_same_transaction(session):
    session.add(Location(name="Main Warehouse"))
    session.flush()
    with unit_of_work(session):
        session.add(Location(name="Showroom"))
    session.rollback()
    assert names(session) == {"Main Warehouse", "Showroom"}


def test_a_failing_unit_undoes_the_callers_earlier_writes_too(session):
    # They were one transaction: all or nothing, as the caller began it.
    session.add(Location(name="Main Warehouse"))
    session.flush()
    with pytest.raises(InvalidInput), unit_of_work(session):
        raise InvalidInput("No.")
    assert names(session) == set()


def test_what_was_read_before_the_unit_is_read_again_inside_it(app, session):
    session.add(Location(name="Main Warehouse"))
    session.commit()
    seen = session.scalars(select(Location)).one()
    with app.app_context():  # another clerk renames it meanwhile
        db.session.scalars(select(Location)).one().name = "Back Room"
        db.session.commit()
        db.session.remove()
    with unit_of_work(session):
        assert seen.name == "Back Room"
