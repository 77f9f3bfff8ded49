"""Stock counts over the API: create one, send scans in batches, read its totals and lists, close it."""
import pytest

from tests.support.api import assert_problem, problem_text, receive, ship, snapshot


@pytest.fixture
def stocked(clerk, world):
    receive(clerk, world.clock, [f"API-{n}" for n in range(1, 7)], world.main, unit_cost="100.00")
    receive(clerk, world.clock, ["SHW-1"], world.showroom, unit_cost="100.00")
    receive(clerk, world.clock, ["GONE-1"], world.main, unit_cost="100.00")
    ship(clerk, world.clock, ["GONE-1"], world.main, world.acme)
    return world


def test_a_clerk_counts_a_location_by_batches_of_scans_and_closes_it(clerk, stocked):
    world = stocked
    count = clerk.ok("POST", "/stock-counts", {"location_id": world.main}, status=201)
    assert (count["status"], count["location_id"], count["expected_at_start"]) == ("open", world.main, 6)
    assert count["number"].startswith("SC-") and count["documents"] == []
    assert count["totals"] == {"expected": 6, "counted": 0, "missing": 6, "found_elsewhere": 0, "unknown": 0,
                               "scanned": 0}

    first = clerk.ok("POST", f"/stock-counts/{count['id']}/scans", {"serials": ["API-1", "api-2", "SHW-1"]},
                     status=201)
    assert [scan["result"] for scan in first["scans"]] == ["counted", "counted", "elsewhere"]
    assert first["scans"][2]["place"] == "in stock at Showroom"
    assert first["scans"][2]["location_id"] == world.showroom
    second = clerk.ok("POST", f"/stock-counts/{count['id']}/scans",
                      {"serials": ["API-3", "API-4", "API-2", "GONE-1", "WHO-1", "  "]}, status=201)
    assert [scan["result"] for scan in second["scans"]] == ["counted", "counted", "already_scanned", "elsewhere",
                                                            "unknown", "refused"]
    assert second["totals"] == {"expected": 6, "counted": 4, "missing": 2, "found_elsewhere": 2, "unknown": 1,
                                "scanned": 7}

    missing = clerk.ok("GET", f"/stock-counts/{count['id']}/serials", query_string={"show": "missing"})
    assert [row["serial_number"] for row in missing["items"]] == ["API-5", "API-6"] and missing["total"] == 2
    found = clerk.ok("GET", f"/stock-counts/{count['id']}/serials",
                     query_string={"show": "found", "per_page": "1", "page": "2"})
    assert found["total"] == 3 and found["page"] == 2 and len(found["items"]) == 1
    counted = clerk.ok("GET", f"/stock-counts/{count['id']}/serials", query_string={"show": "counted"})
    assert counted["total"] == 4

    closed = clerk.ok("POST", f"/stock-counts/{count['id']}/close",
                      {"confirm": True, "date": "2026-02-01", "scans_seen": 7}, status=201)
    assert closed["count"]["status"] == "closed"
    assert closed["left_unposted"] == ["WHO-1"]
    purposes = {doc["purpose"]: doc["transaction_id"] for doc in closed["count"]["documents"]}
    assert sorted(purposes) == ["found", "missing", "transfer"]
    transfer = clerk.ok("GET", f"/transactions/{purposes['transfer']}")
    assert (transfer["type"], transfer["location_id"], transfer["to_location_id"]) == (
        "transfer", world.showroom, world.main)
    assert transfer["memo"].startswith(f"Stock count {count['number']} at Main Warehouse")
    missing_doc = clerk.ok("GET", f"/transactions/{purposes['missing']}")
    assert [(line["quantity"], sorted(line["serials"])) for line in missing_doc["lines"]] == [(-2, ["API-5", "API-6"])]
    found_doc = clerk.ok("GET", f"/transactions/{purposes['found']}")
    assert [(line["quantity"], line["serials"]) for line in found_doc["lines"]] == [(1, ["GONE-1"])]
    assert clerk.ok("GET", f"/stock-counts/{count['id']}")["totals"]["missing"] == 0
    listed = clerk.ok("GET", "/stock-counts")
    assert listed["total"] == 1 and listed["items"][0]["status"] == "closed"


def test_closing_needs_the_confirmation_and_an_open_count(app, clerk, stocked):
    count = clerk.ok("POST", "/stock-counts", {"location_id": stocked.main}, status=201)
    before = snapshot(app)
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/close", {"confirm": False}), 422, "confirm")
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/close", {}), 422, "confirm")
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/close", {"confirm": True, "unknown_item_id": 999}), 422,
                   "unknown_item_id")
    body = assert_problem(clerk.post(f"/stock-counts/{count['id']}/close", {"confirm": True, "scans_seen": 3}), 409)
    assert "not the 3 you confirmed" in problem_text(body)
    assert snapshot(app) == before
    assert_problem(clerk.patch(f"/stock-counts/{count['id']}", {"status": "closed"}), 422, "status")
    cancelled = clerk.ok("PATCH", f"/stock-counts/{count['id']}", {"status": "cancelled"})
    assert cancelled["status"] == "cancelled" and cancelled["closed_at"]
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/scans", {"serials": ["API-1"]}), 409)
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/close", {"confirm": True}), 409)


def test_what_a_count_refuses_is_named(app, clerk, stocked):
    before = snapshot(app)
    assert_problem(clerk.post("/stock-counts", {"location_id": 999}), 422, "location_id")
    assert_problem(clerk.post("/stock-counts", {"location_id": "1"}), 422, "location_id")
    assert snapshot(app) == before
    count = clerk.ok("POST", "/stock-counts", {"location_id": stocked.main}, status=201)
    body = assert_problem(clerk.post("/stock-counts", {"location_id": stocked.main}), 409, "location_id")
    assert count["number"] in problem_text(body)
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/scans", {"serials": []}), 422, "serials")
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/scans", {"serials": [7]}), 422)
    assert_problem(clerk.post(f"/stock-counts/{count['id']}/scans", {"serial": "API-1"}), 422, "serial")
    assert_problem(clerk.get(f"/stock-counts/{count['id']}/serials", query_string={"show": "all"}), 422, "show")
    assert_problem(clerk.get("/stock-counts/999"), 404)
    assert_problem(clerk.post("/stock-counts/999/scans", {"serials": ["API-1"]}), 404)


def test_support_reads_a_count_but_may_not_count(clerk, support, stocked):
    count = clerk.ok("POST", "/stock-counts", {"location_id": stocked.main}, status=201)
    assert support.ok("GET", f"/stock-counts/{count['id']}")["id"] == count["id"]
    assert_problem(support.post("/stock-counts", {"location_id": stocked.showroom}), 403)
    assert_problem(support.post(f"/stock-counts/{count['id']}/scans", {"serials": ["API-1"]}), 403)
    assert_problem(support.post(f"/stock-counts/{count['id']}/close", {"confirm": True}), 403)
