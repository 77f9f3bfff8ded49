"""Correcting a unit's serial number in the engine: the rules see the write, the key and the search index follow."""
from datetime import date

import pytest
from sqlalchemy import select

from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.serial_renumber import renumber_serial_unit
from sos_serial.engine.serial_search import anything_conditions
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import SerialUnit
from tests.support.world import history, receive, ship, snapshot, unit


class Watcher:
    """A plugin's rules: sees every unit change and refuses serials starting with BAD."""

    def __init__(self):
        self.changes = []

    @hookimpl
    def validate_serial_unit_change(self, unit, changes, posting):
        self.changes.append((unit.id, dict(changes), posting))

    @hookimpl
    def validate_serial_numbers(self, serial_numbers):
        bad = [s for s in serial_numbers if s.startswith("BAD")]
        if bad:
            raise InvalidInput(f"Serials starting with BAD are not ours: {', '.join(bad)}.")


@pytest.fixture
def watcher():
    return Watcher()


def found(q):
    return sorted(db.session.scalars(select(SerialUnit.serial_number).where(*anything_conditions(db.session, q))))


def test_renumber_changes_the_serial_and_key_only_and_records_who_and_why(co):
    receive(co.clock, ["CLK-0001", "CLK-0002"], co.main)
    ship(co.clock, ["CLK-0002"], co.main, co.acme)
    before = unit(co.clock, "CLK-0002")
    place = (before.status, before.customer_id, before.location_id, before.unit_cost, before.warranty_end)
    version = before.version
    renumbered = renumber_serial_unit(db.session, before.id, "CLK-0020", "Label misprinted", user=co.user,
                                      on=date(2026, 3, 1))
    db.session.expire_all()
    after = db.session.get(SerialUnit, renumbered.id)
    assert (after.serial_number, after.serial_key, after.version) == ("CLK-0020", "clk-0020", version + 1)
    assert (after.status, after.customer_id, after.location_id, after.unit_cost, after.warranty_end) == place
    assert history(after.id)[-1][:2] == ("renumber", "shipped")
    assert found("0020") == ["CLK-0020"] and found("CLK-0002") == []


def test_a_look_alike_of_a_serial_the_item_has_is_refused_and_nothing_changes(co):
    receive(co.clock, ["CLK-0001", "CLK-0002"], co.main)
    before = snapshot()
    with pytest.raises(Conflict, match="looks the same as CLK-0001"):
        renumber_serial_unit(db.session, unit(co.clock, "CLK-0002").id, "\u0421LK-0001", "typo")  # Cyrillic С
    assert snapshot() == before


@pytest.mark.own_app(plugins=["watcher"])
def test_the_rules_see_the_renumber_and_the_serial_rules_apply(co, watcher):
    added = create_serial_unit(db.session, item_id=co.clock, serial_number="CLK-0001", location_id=co.main)
    watcher.changes.clear()
    renumber_serial_unit(db.session, added.id, "CLK-0009", "typo")
    # The guard put the unit's change to the rules, as a posting's: the serial and its key, nothing else locked.
    assert [(uid, posting) for uid, _, posting in watcher.changes] == [(added.id, True)]
    changes = watcher.changes[0][1]
    assert changes["serial_number"] == ("CLK-0001", "CLK-0009") and changes["serial_key"] == ("clk-0001", "clk-0009")
    assert set(changes) <= {"serial_number", "serial_key", "version", "updated_at"}
    before = snapshot()
    with pytest.raises(InvalidInput, match="BAD-1"):
        renumber_serial_unit(db.session, added.id, "BAD-1", "typo")
    assert snapshot() == before


def test_every_path_that_makes_or_renumbers_a_unit_keeps_the_search_in_step(co):
    receive(co.clock, [f"RCV-{n:04d}" for n in range(1, 301)], co.main)   # the posting's bulk insert
    create_serial_unit(db.session, item_id=co.grandfather, serial_number="ONE-OFF-77", location_id=co.main)
    renumber_serial_unit(db.session, unit(co.clock, "RCV-0150").id, "FIXED-0150", "typo")
    assert found("cv-029") == [f"RCV-{n:04d}" for n in range(290, 300)]
    assert found("off-7") == ["ONE-OFF-77"]
    assert found("ed-01") == ["FIXED-0150"]
    assert found("RCV-0150") == []
    assert len(found("rcv")) == 299  # every unit of the receipt but the renumbered one
