"""`flask serials import`: a file of serials checked whole, then received in parts, memory bounded by the part."""
from __future__ import annotations

import gc
import tracemalloc

import pytest
from sqlalchemy import func, select, update

from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit, Settings, Transaction
from sos_serial.models.serial_unit import IN_STOCK
from tests.support.world import receive, ship

CLOCK = "Armenian Mantel Clock"
# A GS1 example GTIN-14 with a right check digit, which no item of the company carries.
OTHER_GTIN = "09506000134352"


def write(path, rows, header="Serial Number,Note\n"):
    with open(path, "w", encoding="utf-8") as file:
        file.write(header)
        file.writelines(f"{row},boxed\n" for row in rows)
    return str(path)


def run_import(runner, path, *args):
    return runner.invoke(args=["serials", "import", path, "--item", "CLK-ARM-01", "--location", "Main Warehouse",
                               "--date", "2026-01-05", "--quiet", *args])


def documents() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(select(Transaction.number, Transaction.memo)
                                                     .order_by(Transaction.id))]


def units_in_stock(item_id, location_id) -> int:
    return db.session.scalar(select(func.count()).select_from(SerialUnit).where(
        SerialUnit.item_id == item_id, SerialUnit.status == IN_STOCK, SerialUnit.location_id == location_id))


def test_a_file_of_30000_serials_posts_in_parts_and_every_unit_is_there(co, runner, tmp_path):
    path = write(tmp_path / "delivery.csv", (f"IMP-{n:06d}" for n in range(30_000)))
    result = run_import(runner, path, "--part-size", "7000", "--cost", "12.50")
    assert result.exit_code == 0, result.output
    posted = documents()
    assert [memo for _, memo in posted] == [f"Import delivery.csv (part {k} of 5)" for k in range(1, 6)]
    assert "Posted IR-" in result.output and "part 5 of 5, lines 28002-30001, 2,000 serials." in result.output
    assert "Imported 30,000 serials of Armenian Mantel Clock into Main Warehouse in 5 item receipts" in result.output
    assert units_in_stock(co.clock, co.main) == 30_000
    stored = set(db.session.scalars(select(SerialUnit.serial_number).where(SerialUnit.item_id == co.clock)))
    assert stored == {f"IMP-{n:06d}" for n in range(30_000)}
    clock = db.session.get(Item, co.clock)
    assert (clock.quantity_on_hand, clock.value) == (30_000, 375_000)
    db.session.remove()
    assert runner.invoke(args=["check", "--quiet"]).exit_code == 0


def test_units_that_left_stock_come_back_as_the_same_units(co, runner, tmp_path):
    receive(co.clock, ["BACK-1", "BACK-2"], co.main)
    ship(co.clock, ["BACK-1"], co.main, co.acme)
    path = write(tmp_path / "returns.txt", ["back-1", "NEW-1"], header="")
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(SerialUnit).where(SerialUnit.item_id == co.clock)) == 3
    assert units_in_stock(co.clock, co.main) == 3


def test_bad_lines_are_each_named_and_nothing_of_the_file_is_posted(co, runner, tmp_path):
    receive(co.clock, ["TAKEN-1"], co.main)
    db.session.remove()
    rows = [f"IMP-{n:05d}" for n in range(12_000)]
    rows[5_000] = "x" * 65                      # line 5002: too long
    rows[9_000] = "taken-1"                     # line 9002: in stock already
    rows[11_000] = "IMP-00003"                  # line 11002: repeats line 5
    rows[11_500] = f"(01){OTHER_GTIN}(21)SCAN-1"  # line 11502: another item's barcode
    path = write(tmp_path / "bad.csv", rows)
    before = documents()
    result = run_import(runner, path, "--part-size", "1000")
    assert result.exit_code == 1
    output = result.output
    assert "bad.csv was not imported, nothing of it was posted" in output
    assert "Line 5002: Armenian Mantel Clock: xxxxxxxxxxxxxxxxxxxxxxxx... is 65 characters long (at most 64)" in output
    assert "Line 9002: already a unit of Armenian Mantel Clock: TAKEN-1 is in stock at Main Warehouse." in output
    assert "Line 11002: repeated: IMP-00003 is on line 5 already." in output
    assert f"Line 11502: Armenian Mantel Clock has no GTIN, but the scan of serial SCAN-1 carries the GTIN {OTHER_GTIN}" \
        in output
    assert documents() == before
    assert units_in_stock(co.clock, co.main) == 1


def test_a_row_without_a_serial_is_named(co, runner, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("Note,Serial\nboxed,A-1\nboxed,\nboxed,A-2\n", encoding="utf-8")
    result = run_import(runner, str(path))
    assert result.exit_code == 1
    assert "Line 3: this row has no serial number in its serial column." in result.output
    assert documents() == []


def test_a_file_that_is_not_text_is_refused(co, runner, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    result = run_import(runner, str(path))
    assert result.exit_code == 1 and "is not UTF-8 or UTF-16 text" in result.output
    assert documents() == []


def test_an_unknown_item_or_location_is_named(co, runner, tmp_path):
    path = write(tmp_path / "s.csv", ["A-1"])
    unknown = runner.invoke(args=["serials", "import", path, "--item", "Cuckoo", "--location", "Main Warehouse"])
    assert unknown.exit_code != 0 and "There is no item named Cuckoo." in unknown.output
    nowhere = runner.invoke(args=["serials", "import", path, "--item", CLK_NAME(), "--location", "Attic"])
    assert nowhere.exit_code != 0 and "There is no location named Attic." in nowhere.output


def CLK_NAME():  # noqa: N802 - the item by its name, letter case aside, as the command also finds it
    return CLOCK.lower()


def test_a_stop_while_posting_names_what_was_posted_and_where_to_go_on(co, runner, tmp_path):
    """The check passed; the posting then refuses (here: the plan lost serial tracking meanwhile)."""
    path = write(tmp_path / "late.csv", (f"L-{n}" for n in range(30)))
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(update(Settings.__table__).values(plan="companion"))
    result = run_import(runner, path, "--part-size", "10")
    assert result.exit_code == 1
    assert "Stopped at part 1 of 3 (lines 2-11): " in result.output
    assert "No part of it was posted. Nothing from part 1 on was posted" in result.output
    assert "import the same file again with --from-part 1" in result.output
    assert documents() == []


def test_from_part_posts_the_rest_of_a_file(co, runner, tmp_path):
    path = write(tmp_path / "rest.csv", (f"R-{n:03d}" for n in range(25)))
    result = run_import(runner, path, "--part-size", "10", "--from-part", "2")
    assert result.exit_code == 0, result.output
    assert [memo for _, memo in documents()] == ["Import rest.csv (part 2 of 3)", "Import rest.csv (part 3 of 3)"]
    assert units_in_stock(co.clock, co.main) == 15
    again = run_import(runner, path, "--part-size", "10")
    assert again.exit_code == 1 and "Line 12: already a unit of Armenian Mantel Clock: R-010" in again.output


def _peak_of_import(runner, path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        result = run_import(runner, path, "--part-size", "500")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    return peak


@pytest.mark.parametrize("rows", [2_000])
def test_memory_is_bounded_by_the_part_not_the_file(co, runner, tmp_path, rows):
    """Ten times the rows, the same part size: the peak grows far less than tenfold (a ratio of one run)."""
    small = write(tmp_path / "small.csv", (f"S-{n:06d}" for n in range(rows)))
    large = write(tmp_path / "large.csv", (f"L-{n:06d}" for n in range(rows * 10)))
    _peak_of_import(runner, small)  # the first import warms what every one shares (statements, caches)
    db.session.remove()
    small_again = write(tmp_path / "small2.csv", (f"T-{n:06d}" for n in range(rows)))
    small_peak = _peak_of_import(runner, small_again)
    db.session.remove()
    large_peak = _peak_of_import(runner, large)
    assert large_peak < 2.5 * small_peak, (small_peak, large_peak)
