"""Lookalike serials and dates through the API: one key for serials that look alike, YYYY-MM-DD only, dates in order."""
import pytest

from tests.support.api import assert_problem, line, post_doc, problem_text, receive, ship, snapshot

CYRILLIC = "\u0421LK-0002"


def test_a_lookalike_added_directly_is_a_409_naming_the_unit_it_looks_like(app, clerk, world):
    receive(clerk, world.clock, ["CLK-0002"], world.main)
    before = snapshot(app)
    body = assert_problem(clerk.post("/serials", {"item_id": world.clock, "serial_number": CYRILLIC,
                                                  "location_id": world.main}), 409, "serial_number")
    assert f"{CYRILLIC} looks the same as CLK-0002, already a unit of Armenian Mantel Clock" in body["detail"]
    assert snapshot(app) == before


def test_a_lookalike_on_a_receipt_is_a_409(clerk, world):
    receive(clerk, world.clock, ["CLK-0002"], world.main)
    body = assert_problem(post_doc(clerk, None, type="item_receipt", location_id=world.main, vendor_id=world.vendor,
                                   lines=[line(world.clock, 1, serials=["CLK\u20110002"])]), 409, "lines[0].serials")
    assert "CLK\u20110002 looks the same as CLK-0002" in body["detail"]


def test_searching_by_a_lookalike_finds_the_real_unit(support, clerk, world):
    receive(clerk, world.clock, ["CLK-0002", "CLK-0003"], world.main)
    for typed in (CYRILLIC, "\uff23\uff2c\uff2b-0002", "CLK\u20110002"):
        page = support.ok("GET", "/serials", query_string={"q": typed})
        assert [u["serial_number"] for u in page["items"]] == ["CLK-0002"], typed


def test_a_date_in_another_iso_form_is_a_422_naming_the_field(app, clerk, world):
    before = snapshot(app)
    for text in ("2026-W01-1", "20260105", "2026-001", "2026-1-5"):
        body = assert_problem(post_doc(clerk, None, date=text, type="item_receipt", location_id=world.main,
                                       vendor_id=world.vendor, lines=[line(world.clock, 1, serials=["A-1"])]),
                              422, "date")
        assert "YYYY-MM-DD" in problem_text(body), text
    assert snapshot(app) == before
    receive(clerk, world.clock, ["CLK-1"], world.main)
    unit_id = clerk.ok("GET", "/serials", query_string={"q": "CLK-1"})["items"][0]["id"]
    for field in ("warranty_start", "warranty_end"):
        body = assert_problem(clerk.patch(f"/serials/{unit_id}", {field: "2026-W01-1"}), 422, field)
        assert "YYYY-MM-DD" in problem_text(body)


def test_a_warranty_ending_before_it_starts_is_a_422(clerk, world):
    receive(clerk, world.clock, ["CLK-1"], world.main)
    unit_id = clerk.ok("GET", "/serials", query_string={"q": "CLK-1"})["items"][0]["id"]
    body = assert_problem(clerk.patch(f"/serials/{unit_id}", {"warranty_start": "2026-05-01",
                                                             "warranty_end": "2026-04-30"}), 422, "warranty_end")
    assert "cannot end (2026-04-30) before it starts (2026-05-01)" in body["detail"]


def test_a_shipment_dated_before_the_units_receipt_is_a_409_naming_it(app, clerk, world):
    received = receive(clerk, world.clock, ["CLK-1"], world.main)
    before = snapshot(app)
    body = assert_problem(post_doc(clerk, None, date="2025-12-31", type="shipment", location_id=world.main,
                                   customer_id=world.acme, lines=[line(world.clock, 1, serials=["CLK-1"])]),
                          409, "date")
    assert f"CLK-1 of Armenian Mantel Clock: item receipt {received['number']} of 2026-01-05" in body["detail"]
    assert snapshot(app) == before
    ship(clerk, world.clock, ["CLK-1"], world.main, world.acme, date="2026-01-05")


def test_a_document_dated_0001_01_01_is_a_422_naming_the_window(app, clerk, world):
    # The tests' shared app opens the window wide (tests/conftest.py): this one puts the default back for itself.
    from sos_serial.engine.limits import LIMITS_KEY, Limits

    opened, app.extensions[LIMITS_KEY] = app.extensions[LIMITS_KEY], Limits()
    try:
        body = assert_problem(post_doc(clerk, None, date="0001-01-01", type="item_receipt", location_id=world.main,
                                       vendor_id=world.vendor, lines=[line(world.clock, 1, serials=["A-1"])]),
                              422, "date")
    finally:
        app.extensions[LIMITS_KEY] = opened
    assert "The item receipt is dated 0001-01-01: documents may be dated from" in body["detail"]
    assert "(10 years back to 366 days ahead)" in body["detail"]


def test_warranty_dates_no_warranty_has_are_a_422_naming_the_field_and_nothing_is_written(app, support, clerk, world):
    receive(clerk, world.clock, ["CLK-1"], world.main)
    unit = clerk.ok("GET", "/serials", query_string={"q": "CLK-1"})["items"][0]
    before = snapshot(app)
    body = assert_problem(support.patch(f"/serials/{unit['id']}", {"warranty_start": "0001-01-01"}),
                          422, "warranty_start")
    assert "CLK-1 cannot start on 0001-01-01, before 1900-01-01" in body["detail"]
    body = assert_problem(support.patch(f"/serials/{unit['id']}", {"warranty_start": "2026-01-05",
                                                                  "warranty_end": "9999-12-31"}), 422, "warranty_end")
    assert "would last more than 100 years" in body["detail"]
    body = assert_problem(clerk.post("/serials", {"item_id": world.clock, "serial_number": "OLD-9",
                                                  "customer_id": world.acme, "warranty_start": "0001-01-01"}),
                          422, "warranty_start")
    assert "OLD-9 cannot start on 0001-01-01" in problem_text(body)
    assert snapshot(app) == before
    # A long warranty that is a real one (a lifetime of 99 years) is kept.
    changed = support.ok("PATCH", f"/serials/{unit['id']}", {"warranty_start": "2026-01-05",
                                                            "warranty_end": "2125-01-04"})
    assert changed["warranty_end"] == "2125-01-04"


@pytest.mark.parametrize("hidden", ["\u034f", "\ufe0f", "\U000e0100", "\u115f", "\u17b4", "\u2800", "\u200b"])
def test_a_serial_holding_a_character_that_shows_as_nothing_is_a_422_naming_it(app, clerk, world, hidden):
    receive(clerk, world.clock, ["CLK-0002"], world.main)
    before = snapshot(app)
    for serial in (f"CLK-0002{hidden}", f"CLK{hidden}-0002"):
        body = assert_problem(post_doc(clerk, None, type="item_receipt", location_id=world.main,
                                       vendor_id=world.vendor, lines=[line(world.clock, 1, serials=[serial])]), 422)
        assert f"U+{ord(hidden):04X}" in problem_text(body), serial
        assert_problem(clerk.post("/serials", {"item_id": world.clock, "serial_number": serial,
                                               "location_id": world.main}), 422)
    assert snapshot(app) == before


def test_a_warranty_end_alone_no_warranty_has_is_a_422(app, support, clerk, world):
    receive(clerk, world.clock, ["CLK-1"], world.main)
    unit = clerk.ok("GET", "/serials", query_string={"q": "CLK-1"})["items"][0]
    before = snapshot(app)
    for end in ("9999-12-31", "1899-12-31"):
        body = assert_problem(support.patch(f"/serials/{unit['id']}", {"warranty_start": None, "warranty_end": end}),
                              422, "warranty_end")
        assert f"CLK-1 cannot end on {end}" in body["detail"]
    assert snapshot(app) == before
