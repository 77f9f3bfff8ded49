"""Scanned GS1 barcodes through the API: in a line's serials, POST /serials and GET /serials?q=."""
import pytest

from tests.support.api import assert_problem, find_unit, post_doc, problem_text, receive, ship, snapshot

GS = "\x1d"
GTIN = "09506000134352"
SCAN = "]d2010950600013435221ABC123" + GS + "10LOT7" + GS + "17271200"


@pytest.fixture
def clock(clerk, world):
    clerk.ok("PATCH", f"/items/{world.clock}", {"gtin": GTIN})
    return world.clock


def test_a_scanned_serial_is_received_as_its_ai_21_with_lot_and_expiry(clerk, world, clock):
    document = receive(clerk, clock, [SCAN, "(01)09506000134352(21)DEF456(11)260100"], world.main)
    assert sorted(document["lines"][0]["serials"]) == ["ABC123", "DEF456"]
    unit = find_unit(clerk, clock, "ABC123")
    assert (unit["lot"], unit["expiry_date"], unit["production_date"]) == ("LOT7", "2027-12-31", None)
    assert clerk.ok("GET", f"/serials/{unit['id']}")["lot"] == "LOT7"
    assert find_unit(clerk, clock, "DEF456")["production_date"] == "2026-01-31"
    shipped = ship(clerk, clock, [GS + "010950600013435221ABC123"], world.main, world.acme)
    assert shipped["lines"][0]["serials"] == ["ABC123"]


def test_a_plain_units_scan_data_is_null(clerk, world):
    receive(clerk, world.clock, ["0123456"], world.main)
    unit = find_unit(clerk, world.clock, "0123456")
    assert (unit["lot"], unit["expiry_date"], unit["production_date"]) == (None, None, None)


def test_ai_01_of_another_item_is_a_422_naming_both(app, clerk, world, clock):
    clerk.ok("PATCH", f"/items/{world.grandfather}", {"gtin": "4006381333931"})
    before = snapshot(app)
    response = post_doc(clerk, None, type="item_receipt", location_id=world.main,
                        lines=[{"item_id": world.grandfather, "quantity": 1, "serials": [SCAN]}])
    problem = assert_problem(response, 422, "lines[0].serials")
    text = problem_text(problem)
    assert "Armenian Mantel Clock" in text and GTIN in text and "Grandfather Clock" in text
    assert "04006381333931" in text
    assert snapshot(app) == before


def test_ai_01_for_an_item_without_a_gtin_is_a_422_saying_so(app, clerk, world, clock):
    before = snapshot(app)
    response = post_doc(clerk, None, type="item_receipt", location_id=world.main,
                        lines=[{"item_id": world.grandfather, "quantity": 1, "serials": [SCAN]}])
    assert "Grandfather Clock has no GTIN" in problem_text(assert_problem(response, 422, "lines[0].serials"))
    assert snapshot(app) == before


def test_post_serials_takes_a_scan(app, clerk, world, clock):
    unit = clerk.ok("POST", "/serials", {"item_id": clock, "serial_number": SCAN, "location_id": world.main},
                    status=201)
    assert (unit["serial_number"], unit["lot"], unit["expiry_date"]) == ("ABC123", "LOT7", "2027-12-31")
    before = snapshot(app)
    problem = assert_problem(clerk.post("/serials", {"item_id": world.grandfather, "serial_number": SCAN,
                                                     "location_id": world.main}), 422, "serial_number")
    assert "Grandfather Clock has no GTIN" in problem["detail"]
    problem = assert_problem(clerk.post("/serials", {"item_id": clock, "serial_number": "]d20109506000134352",
                                                     "location_id": world.main}), 422, "serial_number")
    assert "no serial number" in problem["detail"]
    assert snapshot(app) == before


def test_get_serials_q_finds_the_unit_a_scan_names(clerk, world, clock):
    receive(clerk, clock, ["ABC123", "ABD999"], world.main)
    page = clerk.ok("GET", "/serials", query_string={"q": SCAN})
    assert [u["serial_number"] for u in page["items"]] == ["ABC123"]
    page = clerk.ok("GET", f"/items/{clock}/available-serials", query_string={"q": "(01)09506000134352(21)ABD"})
    assert [u["serial_number"] for u in page["items"]] == ["ABD999"]


def test_gs_is_refused_outside_the_texts_that_carry_a_serial(app, clerk, world):
    before = snapshot(app)
    problem = assert_problem(clerk.post("/items", {"name": "Clock" + GS}), 422, "name")
    assert "U+001D" in problem["detail"]
    response = post_doc(clerk, None, type="item_receipt", location_id=world.main, memo="a" + GS,
                        lines=[{"item_id": world.clock, "quantity": 1, "serials": ["X1"]}])
    assert_problem(response, 422, "memo")
    assert_problem(clerk.get("/items", query_string={"name": "x" + GS}), 422)
    assert snapshot(app) == before
