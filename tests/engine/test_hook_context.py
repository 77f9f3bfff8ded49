"""What the serial hooks are told: the session, the document, the line, whether the serials are new, the date."""
from datetime import date

import pytest

from sos_serial.engine.posting import create_serial_unit
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from tests.support.world import line, post, receive, set_settings, ship


class Recorder:
    """Notes every call of the serial hooks, in the full shape of the specification."""

    def __init__(self):
        self.checked, self.numbered = [], []

    @hookimpl
    def validate_serial_numbers(self, session, item, serial_numbers, document, line, new_serials):
        self.checked.append({"session": session, "item": item.name, "serials": list(serial_numbers),
                             "type": document and document.type, "line": line and line.index,
                             "new": new_serials})

    @hookimpl
    def next_serial_numbers(self, session, item, count, settings, date, document):
        self.numbered.append({"session": session, "date": date, "type": document.type, "count": count})


class OldStyle:
    """A plugin written against the first contract, taking only the item and the serials."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def validate_serial_numbers(self, item, serial_numbers):
        self.seen.append(list(serial_numbers))

    @hookimpl
    def next_serial_numbers(self, item, count):
        return [f"OLD-{n}" for n in range(1, count + 1)] if item.name == "Grandfather Clock" else None


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def old_style():
    return OldStyle()


pytestmark = pytest.mark.own_app(plugins=["recorder", "old_style"])


def _ours(session) -> bool:
    """The session doing the save: the app's scoped session, or the session it stands for."""
    return session is db.session or session is db.session()


def test_a_receipt_line_is_checked_as_new_serials_with_its_document(co, recorder):
    receive(co.clock, ["C-1", "C-2"], co.main)
    [call] = recorder.checked
    assert _ours(call["session"]) and call["type"] == "item_receipt" and call["line"] == 0
    assert call["serials"] == ["C-1", "C-2"] and call["new"] is True


def test_a_shipment_line_names_existing_units(co, recorder):
    receive(co.clock, ["C-1"], co.main)
    ship(co.clock, ["C-1"], co.main, co.acme)
    assert [(c["type"], c["new"]) for c in recorder.checked] == [("item_receipt", True), ("shipment", False)]


def test_a_build_tells_its_inputs_from_its_outputs(co, recorder):
    receive(co.clock, ["C-1"], co.main)
    post(type="build", location_id=co.main, lines=[line(co.clock, 1, role="input", serials=["C-1"]),
                                                    line(co.grandfather, 1, role="output", serials=["G-1"])])
    assert [(c["serials"], c["line"], c["new"]) for c in recorder.checked[1:]] == [
        (["C-1"], 0, False), (["G-1"], 1, True)]


def test_automatic_numbers_are_made_with_the_documents_date_and_checked_as_new(co, recorder):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="A", auto_serial_length=3)
    post(type="item_receipt", date="2026-03-09", location_id=co.main,
         lines=[line(co.clock, 2, auto_serials=True)])
    [numbered] = recorder.numbered
    assert numbered["date"] == date(2026, 3, 9) and numbered["type"] == "item_receipt"
    assert numbered["count"] == 2 and _ours(numbered["session"])
    [checked] = recorder.checked
    assert checked["serials"] == ["A001", "A002"] and checked["new"] is True


def test_a_unit_added_on_its_own_has_no_document_or_line(co, recorder, old_style):
    create_serial_unit(db.session, item_id=co.clock, serial_number="LONE-1", location_id=co.main)
    [call] = recorder.checked
    assert call["type"] is None and call["line"] is None and call["new"] is True
    assert _ours(call["session"])
    assert old_style.seen == [["LONE-1"]]


def test_an_implementation_taking_fewer_arguments_still_runs(co, old_style):
    set_settings(auto_serial_enabled=True)
    receive(co.clock, ["C-1"], co.main)
    ship(co.clock, ["C-1"], co.main, co.acme)
    post(type="item_receipt", location_id=co.main, lines=[line(co.grandfather, 2, auto_serials=True)])
    assert old_style.seen == [["C-1"], ["C-1"], ["OLD-1", "OLD-2"]]
