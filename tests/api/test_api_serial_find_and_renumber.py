"""GET /serials?q= finds a unit by any part of its serial, item, SKU, customer or location; POST /serials/{id}/renumber
corrects a serial number, keeping the unit and its history."""
import pytest

from sos_serial.extensions import db
from sos_serial.models import SerialUnit
from tests.support.api import assert_problem, each_case, find_unit, receive, ship, snapshot
from tests.support.statements import statements_sent


@pytest.fixture
def units(clerk, world):
    """Clocks A00-17, XA00-2 and 7-A00 at Main, B-1 at the Showroom, QX_1 and Q%1 (LIKE's wildcards) at Main,
    a grandfather clock GF-9 shipped to Baker & Sons."""
    receive(clerk, world.clock, ["A00-17", "XA00-2", "7-A00", "QX_1", "Q%1"], world.main)
    receive(clerk, world.clock, ["B-1"], world.showroom)
    receive(clerk, world.grandfather, ['QT"99*'], world.showroom)
    receive(clerk, world.grandfather, ["GF-9"], world.main)
    ship(clerk, world.grandfather, ["GF-9"], world.main, world.baker, date="2026-02-10")


def found(client, q, **query):
    page = client.ok("GET", "/serials", query_string={"q": q, "per_page": 100, **query})
    assert page["total"] == len(page["items"])
    return sorted(u["serial_number"] for u in page["items"])


def test_q_finds_text_anywhere_in_the_serial_or_the_names(support, world, units):
    for q, expected in [("A00", ["7-A00", "A00-17", "XA00-2"]), ("a00-", ["A00-17", "XA00-2"]),
                        ("00-1", ["A00-17"]), ("father", ["GF-9", 'QT"99*']), ("sons jew", ["GF-9"]),
                        ("showroom", ["B-1", 'QT"99*']), ("X_1", ["QX_1"]), ("Q%1", ["Q%1"]), ("ZZZZ", []),
                        ('t"9', ['QT"99*']), ('99*', ['QT"99*'])]:  # MATCH's and GLOB's own characters
        assert found(support, q) == expected, q
    clocks = ["7-A00", "A00-17", "B-1", "Q%1", "QX_1", "XA00-2"]
    assert found(support, "Mantel") == clocks
    assert found(support, "arm-01") == clocks


def test_one_or_two_characters_match_the_start_of_serials_and_anywhere_in_names(support, world, units):
    # A trigram index needs three characters: shorter text is a serial prefix (an index range).
    assert found(support, "B-") == ["B-1"]
    assert found(support, "-1") == []
    assert found(support, "7") == ["7-A00"]
    assert found(support, "gf") == ["GF-9", 'QT"99*']


def test_q_combines_with_the_other_filters(support, world, units):
    assert found(support, "A00", location_id=world.main, status="in_stock") == ["7-A00", "A00-17", "XA00-2"]
    assert found(support, "clock", item_id=world.grandfather) == ["GF-9", 'QT"99*']
    assert found(support, "A00", customer_id=world.baker) == []


def test_a_search_reads_its_page_without_joining_the_items(app, support, world, units):
    # Given a join to the items, SQLite's planner drove a broad search from the items, reading every unit of
    # each (seconds at a million units): the page loads its items by a second query instead.
    with statements_sent(app) as statements:
        page = support.ok("GET", "/serials", query_string={"q": "showroom"})
    assert sorted((u["serial_number"], u["item_name"]) for u in page["items"]) == [
        ("B-1", "Armenian Mantel Clock"), ('QT"99*', "Grandfather Clock")]
    listing = [s for s in statements if "FROM serial_units" in s and "count(" not in s]
    assert listing and not any("JOIN items" in s for s in listing)


def test_serial_keeps_the_prefix_search(support, world, units):
    page = support.ok("GET", "/serials", query_string={"serial": "a00"})
    assert [u["serial_number"] for u in page["items"]] == ["A00-17"]


# ---------------------------------------------------------------------------- renumber
def test_renumber_corrects_the_serial_and_keeps_the_unit_and_its_history(app, clerk, world, units):
    before = find_unit(clerk, world.clock, "A00-17")
    after = clerk.ok("POST", f"/serials/{before['id']}/renumber", {"serial_number": " A00-71 ",
                                                                    "reason": "Digits swapped on receipt"})
    assert after["id"] == before["id"] and after["serial_number"] == "A00-71"
    for same in ("item_id", "status", "location_id", "customer_id", "unit_cost", "warranty_start"):
        assert after[same] == before[same], same
    history = clerk.ok("GET", f"/serials/{before['id']}/history")
    last = history[-1]
    assert last["transaction_type"] == "renumber"
    assert last["changes"] == {"serial_number": ["A00-17", "A00-71"]}
    assert last["reason"] == "Digits swapped on receipt"
    assert last["user_id"] is not None
    assert (last["status"], last["location_id"]) == ("in_stock", world.main)
    # Found under the new serial, by key and by any part of it; no longer under the old one.
    assert found(clerk, "a00-71") == ["A00-71"]
    assert found(clerk, "0-71") == ["A00-71"]
    assert found(clerk, "00-17") == []
    with app.app_context():
        unit = db.session.get(SerialUnit, before["id"])
        assert unit.serial_key == "a00-71"
        db.session.remove()


def test_renumber_to_a_serial_the_item_has_is_a_409_by_key(app, clerk, world, units):
    unit = find_unit(clerk, world.clock, "B-1")

    def check(serial):
        before = snapshot(app)
        body = assert_problem(clerk.post(f"/serials/{unit['id']}/renumber",
                                         {"serial_number": serial, "reason": "typo"}), 409, "serial_number")
        assert "A00-17" in body["detail"]
        assert snapshot(app) == before

    each_case(["A00-17", "a00-17", " A00-17 ", "\u0410" + "00-17"], check)  # the last with a Cyrillic А, a look-alike


def test_renumber_to_a_serial_of_another_item_is_allowed(clerk, world, units):
    unit = find_unit(clerk, world.clock, "B-1")
    assert clerk.ok("POST", f"/serials/{unit['id']}/renumber",
                    {"serial_number": "GF-9", "reason": "Label of the wrong box"})["serial_number"] == "GF-9"


def test_renumber_needs_a_serial_and_a_reason(app, clerk, world, units):
    unit = find_unit(clerk, world.clock, "A00-17")

    def check(body, field):
        before = snapshot(app)
        assert_problem(clerk.post(f"/serials/{unit['id']}/renumber", body), 422, field)
        assert snapshot(app) == before

    each_case([
        ({"serial_number": "NEW-1", "reason": "  "}, "reason"),
        ({"serial_number": "NEW-1"}, "reason"),
        ({"serial_number": "   ", "reason": "typo"}, "serial_number"),
        ({"serial_number": "x" * 65, "reason": "typo"}, "serial_number"),
        ({"serial_number": "A00-17", "reason": "typo"}, "serial_number"),  # the serial it already has
        ({"reason": "typo"}, "serial_number"),
    ], check)


def test_renumber_is_for_clerks_and_administrators(app, admin, support, world, units):
    unit = find_unit(support, world.clock, "A00-17")
    before = snapshot(app)
    assert_problem(support.post(f"/serials/{unit['id']}/renumber", {"serial_number": "S-1", "reason": "x"}), 403)
    assert snapshot(app) == before
    assert admin.ok("POST", f"/serials/{unit['id']}/renumber",
                    {"serial_number": "S-1", "reason": "x"})["serial_number"] == "S-1"


def test_renumber_with_a_stale_version_is_a_409(app, clerk, world, units):
    unit = find_unit(clerk, world.clock, "A00-17")
    clerk.ok("PATCH", f"/serials/{unit['id']}", {"notes": "checked"})
    before = snapshot(app)
    assert_problem(clerk.post(f"/serials/{unit['id']}/renumber",
                              {"serial_number": "S-2", "reason": "x", "version": unit["version"]}), 409, "version")
    assert snapshot(app) == before


def test_renumber_of_an_unknown_unit_is_a_404(clerk, world):
    assert_problem(clerk.post("/serials/999999/renumber", {"serial_number": "S-1", "reason": "x"}), 404)


def test_patch_still_refuses_the_serial_number(app, clerk, world, units):
    unit = find_unit(clerk, world.clock, "A00-17")
    before = snapshot(app)
    assert_problem(clerk.patch(f"/serials/{unit['id']}", {"serial_number": "S-3"}), 409, "serial_number")
    assert snapshot(app) == before
