"""An item's own automatic numbering: its prefix, length and next number, with or without the company's switch."""
import pytest

from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Item
from tests.support.world import item, line, line_serials, lines_of, post, receive, set_settings, settings, snapshot


def own_numbering(item_id, prefix, length=None, next_number=None):
    record = db.session.get(Item, item_id)
    record.auto_serial_prefix, record.auto_serial_length, record.auto_serial_next_number = prefix, length, next_number
    db.session.commit()


def auto_receipt(co, quantity, item_id):
    return post(type="item_receipt", location_id=co.main, lines=[line(item_id, quantity, auto_serials=True)])


def test_an_item_with_its_own_prefix_numbers_with_the_company_switch_off(co):
    own_numbering(co.clock, "ARM-", 3, 7)
    document = auto_receipt(co, 2, co.clock)
    assert line_serials(lines_of(document)[0].id) == ["ARM-007", "ARM-008"]
    assert item(co.clock).auto_serial_next_number == 9
    assert settings().auto_serial_next_number == 1
    assert auto_receipt(co, 1, co.clock) and item(co.clock).auto_serial_next_number == 10


def test_an_item_without_its_own_prefix_still_needs_the_company_switch(co):
    own_numbering(co.clock, "ARM-", 3)
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        auto_receipt(co, 1, co.grandfather)
    assert "turned off in the purchasing settings" in refused.value.message
    assert "Grandfather Clock has no numbering of its own" in refused.value.message
    assert refused.value.errors[0].field == "lines[0].auto_serials"
    assert snapshot() == before


def test_the_items_own_numbering_wins_over_the_companys_and_leaves_it_alone(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="CO-", auto_serial_length=4, auto_serial_next_number=5)
    own_numbering(co.clock, "ARM-", 2)
    document = post(type="item_receipt", location_id=co.main, lines=[
        line(co.clock, 2, auto_serials=True), line(co.grandfather, 1, auto_serials=True)])
    lines = lines_of(document)
    assert line_serials(lines[0].id) == ["ARM-01", "ARM-02"]
    assert line_serials(lines[1].id) == ["CO-0005"]
    assert settings().auto_serial_next_number == 6 and item(co.clock).auto_serial_next_number == 3


def test_an_items_length_left_empty_takes_the_companys(co):
    set_settings(auto_serial_length=5)
    own_numbering(co.clock, "ARM-")
    document = auto_receipt(co, 1, co.clock)
    assert line_serials(lines_of(document)[0].id) == ["ARM-00001"]


def test_the_items_numbering_skips_numbers_it_already_has(co):
    receive(co.clock, ["ARM-002", "arm-003"], co.main)
    own_numbering(co.clock, "ARM-", 3, 1)
    document = auto_receipt(co, 2, co.clock)
    assert line_serials(lines_of(document)[0].id) == ["ARM-001", "ARM-004"]
    assert item(co.clock).auto_serial_next_number == 5


def test_a_refused_posting_leaves_the_items_next_number(co):
    own_numbering(co.clock, "ARM-", 3, 1)
    receive(co.clock, ["X-1"], co.main)
    with pytest.raises(Conflict, match="X-1 of Armenian Mantel Clock already exists"):
        post(type="item_receipt", location_id=co.main, lines=[
            line(co.clock, 1, auto_serials=True), line(co.clock, 1, serials=["X-1"])])
    db.session.rollback()
    assert item(co.clock).auto_serial_next_number == 1


def test_the_items_numbering_running_out_names_the_item(co):
    own_numbering(co.clock, "ARM-", 1, 9)
    with pytest.raises(InvalidInput, match="Increase the number length in the item's numbering"):
        auto_receipt(co, 2, co.clock)
    assert item(co.clock).auto_serial_next_number == 9
