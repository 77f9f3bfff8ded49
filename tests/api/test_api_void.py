"""POST /transactions/{id}/void: the document stays, voided; its units, stock and value go back (API.md 1.1)."""
from tests.support.api import assert_problem, find_unit, problem_text, receive, receive_plain, ship, snapshot


def figures(client, item_id):
    item = client.ok("GET", f"/items/{item_id}")
    return item["quantity_on_hand"], item["value"]


def test_a_voided_shipment_reads_back_voided_and_its_units_are_back_in_stock(clerk, world):
    receive(clerk, world.clock, ["CLK-1", "CLK-2"], world.main, unit_cost="100.00")
    before = figures(clerk, world.clock)
    shipment = ship(clerk, world.clock, ["CLK-1"], world.main, world.acme)
    assert shipment["status"] == "posted"
    assert (shipment["voided_at"], shipment["voided_by"], shipment["void_reason"]) == (None, None, None)
    voided = clerk.ok("POST", f"/transactions/{shipment['id']}/void", {"reason": "  Wrong customer "})
    assert (voided["status"], voided["voided_by"], voided["void_reason"]) == ("voided", "clerk", "Wrong customer")
    assert voided["voided_at"]
    assert voided["lines"] == shipment["lines"]
    assert clerk.ok("GET", f"/transactions/{shipment['id']}") == voided
    unit = find_unit(clerk, world.clock, "CLK-1")
    assert (unit["status"], unit["location_id"], unit["customer_id"], unit["warranty_start"]) == (
        "in_stock", world.main, None, None)
    assert figures(clerk, world.clock) == before
    history = clerk.ok("GET", f"/serials/{unit['id']}/history")
    assert [row["transaction_type"] for row in history][-2:] == ["shipment", "void"]
    assert history[-1]["void_reason"] == "Wrong customer"
    assert history[-2]["changes"]["warranty_start"] == [None, shipment["date"]]
    listed = clerk.ok("GET", "/transactions")["items"]
    assert [d["status"] for d in listed if d["id"] == shipment["id"]] == ["voided"]


def test_a_voided_receipt_of_plain_stock_takes_it_back(clerk, world):
    receipt = receive_plain(clerk, world.oil, 5, world.main, unit_cost="4.00")
    clerk.ok("POST", f"/transactions/{receipt['id']}/void", {"reason": "Twice entered"})
    assert figures(clerk, world.oil) == (0, "0.00")


def test_voiding_twice_or_after_a_later_move_is_a_409_naming_what_is_in_the_way(app, clerk, world):
    receipt = receive(clerk, world.clock, ["CLK-1", "CLK-2"], world.main)
    shipment = ship(clerk, world.clock, ["CLK-2"], world.main, world.acme)
    before = snapshot(app)
    body = assert_problem(clerk.post(f"/transactions/{receipt['id']}/void", {"reason": "Typo"}), 409, "lines")
    assert "CLK-2" in problem_text(body) and shipment["number"] in problem_text(body)
    assert "CLK-1 " not in problem_text(body)
    assert snapshot(app) == before
    clerk.ok("POST", f"/transactions/{shipment['id']}/void", {"reason": "Not sent"})
    body = assert_problem(clerk.post(f"/transactions/{shipment['id']}/void", {"reason": "Again"}), 409)
    assert "already voided" in body["detail"]


def test_the_reason_is_required_and_limited_like_a_memo(clerk, world):
    receipt = receive(clerk, world.clock, ["CLK-1"], world.main)
    for given in ({}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "x" * 2001}):
        assert_problem(clerk.post(f"/transactions/{receipt['id']}/void", given), 422, "reason")
    assert clerk.ok("GET", f"/transactions/{receipt['id']}")["status"] == "posted"


def test_only_clerks_and_administrators_void_and_a_missing_document_is_a_404(admin, support, clerk, world):
    receipt = receive(clerk, world.clock, ["CLK-1"], world.main)
    assert_problem(support.post(f"/transactions/{receipt['id']}/void", {"reason": "No"}), 403)
    assert_problem(admin.post("/transactions/999999/void", {"reason": "Gone"}), 404)
    assert admin.ok("POST", f"/transactions/{receipt['id']}/void", {"reason": "Typo"})["voided_by"] == "admin"


def test_a_voided_shipments_packing_list_says_voided_and_a_voided_receipt_prints_no_labels(clerk, world):
    receipt = receive(clerk, world.clock, ["CLK-7", "CLK-8"], world.main, unit_cost="100.00")
    shipment = ship(clerk, world.clock, ["CLK-7"], world.main, world.acme)
    page = clerk.get(f"/transactions/{shipment['id']}/packing-list").get_data(as_text=True)
    assert "VOIDED" not in page
    clerk.ok("POST", f"/transactions/{shipment['id']}/void", {"reason": "Sent to the wrong customer"})
    page = clerk.get(f"/transactions/{shipment['id']}/packing-list").get_data(as_text=True)
    assert "VOIDED" in page and "Sent to the wrong customer" in page
    assert clerk.get(f"/transactions/{receipt['id']}/labels").status_code == 200
    clerk.ok("POST", f"/transactions/{receipt['id']}/void", {"reason": "Duplicate receipt"})
    body = assert_problem(clerk.get(f"/transactions/{receipt['id']}/labels"), 409)
    assert "voided" in problem_text(body)
