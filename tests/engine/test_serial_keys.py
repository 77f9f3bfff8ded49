"""Serials that look alike are one serial: the key (NFKC, case folded, UTS #39 look-alikes) on writes and lookups."""
import unicodedata

import pytest

from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.serial_search import exact_conditions, prefix_conditions
from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit
from sos_serial.models.serial_key import looks_alike, serial_key
from tests.support.world import line, post, receive, ship, snapshot, unit, units_of

CYRILLIC = "\u0421LK-0002"      # С, Cyrillic capital es
FULLWIDTH = "\uff23\uff2c\uff2b-0002"
NO_BREAK_HYPHEN = "CLK\u20110002"
LOOKALIKES = [CYRILLIC, FULLWIDTH, NO_BREAK_HYPHEN, "clk-0002", " CLK-0002 "]


@pytest.mark.parametrize("serial", LOOKALIKES)
def test_lookalikes_have_the_key_of_the_plain_serial(serial):
    assert serial_key(serial) == serial_key("CLK-0002") == "clk-0002"


def test_composed_and_decomposed_letters_are_one_serial():
    composed, decomposed = "\u0139-7", "L\u0301-7"
    assert composed != decomposed and unicodedata.normalize("NFC", decomposed) == composed
    assert serial_key(composed) == serial_key(decomposed)


def test_ascii_characters_keep_their_identity():
    # Real schemes use both 0 and O, 1 and l: an ASCII serial's key is what it always was.
    assert len({serial_key(s) for s in ("SN-0", "SN-O", "SN-1", "SN-l", "SN-I", "rn", "m")}) == 7
    assert serial_key("  Straße-1 ") == serial_key("STRASSE-1") == "strasse-1"


def test_a_key_is_its_own_key():
    samples = LOOKALIKES + ["\u0139", "\u01c4x", "\u338f", "\ufb01", "\u0130", "\u03c9", "\u2160", "\u0661\u0662"]
    samples += [chr(cp) for cp in range(0x80, 0x3000, 7)]
    for sample in samples:
        assert serial_key(serial_key(sample)) == serial_key(sample), repr(sample)


def test_looks_alike_tells_a_lookalike_from_the_same_serial_in_another_case():
    assert looks_alike(CYRILLIC, "CLK-0002")
    assert not looks_alike("clk-0002", "CLK-0002")
    assert not looks_alike("CLK-0003", "CLK-0002")


@pytest.mark.parametrize("serial", [CYRILLIC, FULLWIDTH, NO_BREAK_HYPHEN])
def test_a_receipt_refuses_a_lookalike_naming_the_unit_it_looks_like(co, serial):
    receive(co.clock, ["CLK-0002"], co.main)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        receive(co.clock, [serial], co.showroom)
    assert (f"{serial} looks the same as CLK-0002, already a unit of Armenian Mantel Clock: "
            "it is in stock at Main Warehouse") in refused.value.message
    assert refused.value.errors[0].field == "lines[0].serials"
    assert snapshot() == before


def test_lookalikes_within_one_document_are_refused(co):
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main, vendor_id=co.vendor,
             lines=[line(co.clock, 1, serials=["CLK-0002"]), line(co.clock, 1, serials=[CYRILLIC])])
    assert f"{CYRILLIC} of Armenian Mantel Clock looks the same as CLK-0002, earlier on this document" \
        in refused.value.message
    assert refused.value.errors[0].field == "lines[1].serials"
    assert snapshot() == before


def test_a_csv_file_with_lookalike_rows_is_refused_naming_both(co):
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main, vendor_id=co.vendor,
             lines=[line(co.clock, 2, serials_csv=f"Serial\nCLK-0002\n{FULLWIDTH}\n")])
    assert f"CLK-0002 and {FULLWIDTH} (which look the same) on rows 2, 3" in refused.value.message
    assert snapshot() == before


def test_a_csv_file_with_a_lookalike_of_a_unit_in_stock_is_refused(co):
    receive(co.clock, ["CLK-0002"], co.main)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main, vendor_id=co.vendor,
             lines=[line(co.clock, 1, serials_csv=f"Serial\n{NO_BREAK_HYPHEN}\n")])
    assert f"{NO_BREAK_HYPHEN} looks the same as CLK-0002, already a unit of" in refused.value.message
    assert snapshot() == before


def test_adding_a_lookalike_directly_is_refused(co):
    receive(co.clock, ["CLK-0002"], co.main)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        create_serial_unit(db.session, item_id=co.clock, serial_number=CYRILLIC, location_id=co.main)
    assert f"{CYRILLIC} looks the same as CLK-0002, already a unit of Armenian Mantel Clock" in refused.value.message
    assert snapshot() == before


def test_automatic_numbering_never_makes_a_lookalike_of_a_unit_the_item_has(co):
    receive(co.clock, ["\u0421N-001"], co.main)   # Cyrillic С, typed by a clerk
    record = db.session.get(Item, co.clock)
    record.auto_serial_prefix, record.auto_serial_length, record.auto_serial_next_number = "CN-", 3, 1
    db.session.commit()
    post(type="item_receipt", location_id=co.main, lines=[line(co.clock, 1, auto_serials=True)])
    assert sorted(u.serial_number for u in units_of(co.clock)) == ["CN-002", "\u0421N-001"]


@pytest.mark.parametrize("typed", [CYRILLIC, FULLWIDTH, NO_BREAK_HYPHEN])
def test_typing_a_lookalike_finds_the_real_unit(co, typed):
    receive(co.clock, ["CLK-0002", "CLK-0003"], co.main)
    real = unit(co.clock, "CLK-0002")
    assert unit(co.clock, typed).id == real.id
    found = db.session.scalars(db.select(SerialUnit.id).where(*exact_conditions(typed))).all()
    assert found == [real.id]
    assert db.session.scalars(db.select(SerialUnit.id).where(*prefix_conditions(typed[:4]))).all() != []
    ship(co.clock, [typed], co.main, co.acme)
    assert unit(co.clock, "CLK-0002").status == "shipped"
    assert unit(co.clock, "CLK-0002").serial_number == "CLK-0002"


def test_a_lookalike_on_the_same_line_is_refused_and_a_plain_repeat_still_reads_as_one(co):
    with pytest.raises(Conflict) as refused:
        post(type="item_receipt", location_id=co.main, vendor_id=co.vendor,
             lines=[line(co.clock, 4, serials=["CLK-0002", FULLWIDTH, "A-1", "a-1"])])
    assert f"{FULLWIDTH} of Armenian Mantel Clock looks the same as CLK-0002, earlier on this document." \
        in refused.value.message
    assert "a-1 of Armenian Mantel Clock appears more than once." in refused.value.message
