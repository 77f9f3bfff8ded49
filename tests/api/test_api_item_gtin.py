"""An item's GTIN through the API: check digit verified, one item per GTIN whatever its length."""
import pytest

from tests.support.api import assert_problem, snapshot


def test_an_item_takes_a_gtin_and_answers_it(clerk, world):
    item = clerk.ok("POST", "/items", {"name": "Barometer GS1", "gtin": "09506000134352"}, status=201)
    assert item["gtin"] == "09506000134352"
    assert clerk.ok("GET", f"/items/{item['id']}")["gtin"] == "09506000134352"


def test_a_gtin_is_optional_and_cleared_with_null(clerk, world):
    item = clerk.ok("POST", "/items", {"name": "Plain Clock"}, status=201)
    assert item["gtin"] is None
    changed = clerk.ok("PATCH", f"/items/{item['id']}", {"gtin": " 96385074 "})
    assert changed["gtin"] == "96385074"
    assert clerk.ok("PATCH", f"/items/{item['id']}", {"gtin": None})["gtin"] is None


@pytest.mark.parametrize("gtin, words", [
    ("09506000134353", "wrong check digit"),
    ("1234", "must be 8, 12, 13 or 14 digits"),
    ("0950600013435X", "must be 8, 12, 13 or 14 digits"),
    ("０９５０６０００１３４３５２", "must be 8, 12, 13 or 14 digits"),
])
def test_a_bad_gtin_is_a_422_naming_the_item_and_nothing_is_saved(app, clerk, world, gtin, words):
    before = snapshot(app)
    problem = assert_problem(clerk.post("/items", {"name": "Bad GTIN Clock", "gtin": gtin}), 422, "gtin")
    assert words in problem["detail"] and "Bad GTIN Clock" in problem["detail"]
    assert snapshot(app) == before


def test_the_same_gtin_in_another_length_is_the_same_item(app, clerk, world):
    clerk.ok("POST", "/items", {"name": "UPC Clock", "gtin": "012345678905"}, status=201)
    before = snapshot(app)
    problem = assert_problem(clerk.post("/items", {"name": "GTIN-14 Clock", "gtin": "00012345678905"}), 409)
    assert "GTIN already exists" in problem["detail"]
    assert snapshot(app) == before
