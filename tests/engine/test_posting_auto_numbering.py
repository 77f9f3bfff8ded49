"""Automatic serial numbers from the purchasing settings: sequential and random."""
import re

import pytest

from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import SerialUnit
from tests.support.world import (
    count,
    line,
    line_serials,
    lines_of,
    make_company,
    post,
    receive,
    set_settings,
    settings,
    snapshot,
    unit,
    units_of,
)


def auto_receipt(co, quantity, item_id=None, *extra_lines):
    return post(type="item_receipt", location_id=co.main,
                lines=[line(item_id or co.clock, quantity, auto_serials=True), *extra_lines])


def serials_of(item_id):
    return [u.serial_number for u in units_of(item_id)]


def test_auto_numbering_while_disabled_is_invalid(co):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        auto_receipt(co, 2)
    assert refused.value.errors[0].field == "lines[0].auto_serials"
    assert "turned off in the purchasing settings" in refused.value.message
    assert snapshot() == before


def test_sequential_numbers_have_the_prefix_and_zero_padding(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="CLK-", auto_serial_length=4,
                 auto_serial_next_number=7)
    document = auto_receipt(co, 3)
    assert serials_of(co.clock) == ["CLK-0007", "CLK-0008", "CLK-0009"]
    assert line_serials(lines_of(document)[0].id) == ["CLK-0007", "CLK-0008", "CLK-0009"]
    assert settings().auto_serial_next_number == 10
    assert [h.status for h in units_of(co.clock)] == ["in_stock"] * 3


def test_sequential_numbering_skips_numbers_the_item_already_has(co):
    receive(co.clock, ["n-0002", "N-0004", "N-0003-B"], co.main)  # N-0003-B sorts among them, blocks nothing
    receive(co.grandfather, ["N-0001"], co.main)  # another item's serial does not block the number
    set_settings(auto_serial_enabled=True, auto_serial_prefix="N-", auto_serial_length=4,
                 auto_serial_next_number=1)
    document = auto_receipt(co, 3)
    assert line_serials(lines_of(document)[0].id) == ["N-0001", "N-0003", "N-0005"]
    assert settings().auto_serial_next_number == 6


def test_a_second_document_continues_from_the_advanced_number(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="", auto_serial_length=3)
    auto_receipt(co, 2)
    auto_receipt(co, 2, co.grandfather)
    auto_receipt(co, 1)
    assert serials_of(co.clock) == ["001", "002", "005"]
    assert serials_of(co.grandfather) == ["003", "004"]
    assert settings().auto_serial_next_number == 6


def test_two_auto_lines_of_one_item_get_different_numbers(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="A", auto_serial_length=2)
    document = post(type="item_receipt", location_id=co.main, lines=[
        line(co.clock, 2, auto_serials=True), line(co.clock, 1, auto_serials=True)])
    first, second = lines_of(document)
    assert line_serials(first.id) == ["A01", "A02"]
    assert line_serials(second.id) == ["A03"]


def test_an_auto_number_equal_to_a_typed_serial_of_the_document_is_a_repeat(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="A", auto_serial_length=2)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main, lines=[
            line(co.clock, 2, auto_serials=True), line(co.clock, 1, serials=["a02"])])
    assert "a02 of Armenian Mantel Clock appears more than once" in refused.value.message
    assert refused.value.errors[0].field == "lines[1].serials"
    assert snapshot() == before


def test_a_rejected_document_leaves_the_next_number_unchanged(co):
    receive(co.grandfather, ["GF-1"], co.main)
    set_settings(auto_serial_enabled=True, auto_serial_prefix="X", auto_serial_length=3,
                 auto_serial_next_number=40)
    before = snapshot()
    with pytest.raises(Conflict, match="GF-1 of Grandfather Clock already exists"):
        auto_receipt(co, 5, co.clock, line(co.grandfather, 1, serials=["GF-1"]))
    assert snapshot() == before
    assert settings().auto_serial_next_number == 40
    auto_receipt(co, 1)
    assert serials_of(co.clock) == ["X040"]


def test_numbers_past_the_digit_length_are_invalid(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="Z", auto_serial_length=2,
                 auto_serial_next_number=98)
    before = snapshot()
    with pytest.raises(InvalidInput, match="run out") as refused:
        auto_receipt(co, 3)
    assert "2 digits" in refused.value.message
    assert snapshot() == before
    auto_receipt(co, 2)  # exactly fills the space
    assert serials_of(co.clock) == ["Z98", "Z99"]
    assert settings().auto_serial_next_number == 100
    with pytest.raises(InvalidInput, match="run out"):
        auto_receipt(co, 1)
    assert count(SerialUnit) == 2


def test_taken_numbers_count_towards_the_digit_length(co):
    receive(co.clock, ["Z8", "Z9"], co.main)
    set_settings(auto_serial_enabled=True, auto_serial_prefix="Z", auto_serial_length=1,
                 auto_serial_next_number=7)
    with pytest.raises(InvalidInput, match="run out"):
        auto_receipt(co, 2)
    assert settings().auto_serial_next_number == 7


def test_random_numbers_have_the_length_and_prefix_and_are_unique(co):
    set_settings(auto_serial_enabled=True, auto_serial_mode="random", auto_serial_prefix="R-",
                 auto_serial_length=9, auto_serial_next_number=5)
    document = auto_receipt(co, 200)
    serials = line_serials(lines_of(document)[0].id)
    assert len(serials) == len(set(serials)) == 200
    assert all(re.fullmatch(r"R-\d{9}", s) for s in serials)
    assert sorted(serials) != [f"R-{n:09d}" for n in range(5, 205)]
    assert settings().auto_serial_next_number == 5  # random mode leaves the sequence alone


def test_random_numbers_never_collide_with_existing_serials(co):
    receive(co.clock, ["r0", "R1", "R2", "R3", "R4"], co.main)
    set_settings(auto_serial_enabled=True, auto_serial_mode="random", auto_serial_prefix="R",
                 auto_serial_length=1)
    document = auto_receipt(co, 5)  # only five numbers are left
    assert line_serials(lines_of(document)[0].id) == ["R5", "R6", "R7", "R8", "R9"]


def test_random_numbering_finds_the_last_free_numbers_of_a_nearly_full_space(co):
    taken = [f"N{n:02d}" for n in range(100) if n not in (3, 41, 59, 77, 98)]
    receive(co.clock, taken, co.main)
    set_settings(auto_serial_enabled=True, auto_serial_mode="random", auto_serial_prefix="N",
                 auto_serial_length=2)
    document = auto_receipt(co, 5)
    assert sorted(line_serials(lines_of(document)[0].id)) == ["N03", "N41", "N59", "N77", "N98"]
    with pytest.raises(InvalidInput, match="Only 0 unused 2-digit serials are left"):
        auto_receipt(co, 1)


def test_random_numbering_refuses_to_use_up_the_space(co):
    set_settings(auto_serial_enabled=True, auto_serial_mode="random", auto_serial_length=1)
    with pytest.raises(InvalidInput, match="Increase the number length"):
        auto_receipt(co, 6)
    assert count(SerialUnit) == 0


def test_auto_numbering_serves_positive_adjustments_and_build_outputs(co):
    set_settings(auto_serial_enabled=True, auto_serial_prefix="S", auto_serial_length=3)
    adjustment = post(type="adjustment", location_id=co.main, lines=[line(co.clock, 2, auto_serials=True)])
    build = post(type="build", location_id=co.main, lines=[
        line(co.clock, 1, role="input", serials=["S001"]),
        line(co.grandfather, 1, role="output", auto_serials=True)])
    assert line_serials(lines_of(adjustment)[0].id) == ["S001", "S002"]
    assert line_serials(lines_of(build)[1].id) == ["S003"]
    assert unit(co.grandfather, "S003").status == "in_stock"


@pytest.mark.parametrize("doc_type, quantity, role", [("shipment", 1, None), ("adjustment", -1, None),
                                                      ("build", 1, "input")])
def test_auto_numbering_on_a_line_that_takes_existing_units_is_refused(co, doc_type, quantity, role):
    set_settings(auto_serial_enabled=True)
    fields = {"role": role} if role else {}
    with pytest.raises(InvalidInput, match="pick their serials"):
        post(type=doc_type, location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, quantity, auto_serials=True, **fields)])
    assert settings().auto_serial_next_number == 1


def test_auto_numbering_on_a_plain_item_is_refused(co):
    set_settings(auto_serial_enabled=True)
    with pytest.raises(InvalidInput, match="not tracked by serial number"):
        auto_receipt(co, 2, co.oil)


class CatalogPattern:
    """An integrator's rule: this company's serials start with CLK-."""

    @hookimpl
    def validate_serial_numbers(self, item, serial_numbers):
        wrong = [s for s in serial_numbers if not s.startswith("CLK-")]
        if wrong:
            raise InvalidInput(f"{item.name}: {wrong[0]} does not start with CLK-.")


def test_automatic_numbers_pass_an_integrators_serial_rule_too(app_config, stock_free_app_factory):
    app = stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [CatalogPattern()]})
    with app.app_context():
        co = make_company(db.session)
        set_settings(auto_serial_enabled=True, auto_serial_prefix="AC-", auto_serial_length=4)
        before = snapshot()
        with pytest.raises(InvalidInput) as refused:
            auto_receipt(co, 2)
        assert "AC-0001 does not start with CLK-" in refused.value.message
        assert refused.value.errors[0].field == "lines[0].auto_serials"
        assert snapshot() == before
        assert settings().auto_serial_next_number == 1
        set_settings(auto_serial_prefix="CLK-")
        auto_receipt(co, 2)
        assert serials_of(co.clock) == ["CLK-0001", "CLK-0002"]
        db.session.rollback()
