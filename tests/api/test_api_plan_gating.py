"""Plan gating, whole: no switch to a plan without serial tracking while items are tracked, and on such a
plan no serial route or posting of a tracked item works; plain items go on as before."""
from __future__ import annotations

from sos_serial.extensions import db
from sos_serial.models import Item, Settings
from tests.support.api import assert_problem, find_unit, receive, receive_plain, snapshot


def _companion_with_tracked_items(app) -> None:
    # Set behind the API's back, as a company already on Companion with tracked items left from before.
    with app.app_context():
        Settings.current(db.session).plan = "companion"
        db.session.commit()
        db.session.remove()


def test_switching_to_companion_while_items_are_tracked_is_refused_naming_them(app, admin, world):
    before = snapshot(app)
    body = assert_problem(admin.patch("/settings", {"plan": "companion"}), 409)
    assert "Armenian Mantel Clock" in body["detail"] and "Grandfather Clock" in body["detail"]
    assert "turn its serial tracking off" in body["detail"] and "Clock Oil" not in body["detail"]
    assert snapshot(app) == before
    assert admin.ok("GET", "/settings")["plan"] == "pro"


def test_switching_to_companion_with_no_tracked_item_is_allowed(app, admin, world):
    with app.app_context():
        for item in db.session.query(Item).filter_by(track_serials=True):
            item.track_serials = False
        db.session.commit()
        db.session.remove()
    assert admin.ok("PATCH", "/settings", {"plan": "companion"})["plan"] == "companion"
    assert admin.ok("PATCH", "/settings", {"plan": "plus"})["plan"] == "plus"


def test_on_companion_no_serial_route_answers_and_a_tracked_item_does_not_post(app, clerk, world):
    receipt = receive(clerk, world.clock, ["CLK-1"], world.main)
    unit_id = find_unit(clerk, world.clock, "CLK-1")["id"]
    _companion_with_tracked_items(app)
    before = snapshot(app)
    for response in (clerk.get("/serials"), clerk.get(f"/serials/{unit_id}"),
                     clerk.get(f"/serials/{unit_id}/history"), clerk.get(f"/items/{world.clock}/available-serials"),
                     clerk.post("/serials", {"item_id": world.clock, "serial_number": "CLK-2",
                                             "location_id": world.main}),
                     clerk.patch(f"/serials/{unit_id}", {"notes": "x"}),
                     clerk.post(f"/serials/{unit_id}/renumber", {"serial_number": "CLK-9", "reason": "typo"}),
                     clerk.get(f"/serials/labels?ids={unit_id}"), clerk.get(f"/transactions/{receipt['id']}/labels"),
                     clerk.get("/stock-counts"), clerk.post("/stock-counts", {"location_id": world.main})):
        body = assert_problem(response, 403)
        assert "Companion plan" in body["detail"]
    body = assert_problem(clerk.post("/transactions", {
        "type": "item_receipt", "date": "2026-01-05", "location_id": world.main,
        "lines": [{"item_id": world.grandfather, "quantity": 1, "serials": ["GF-9"]},
                  {"item_id": world.oil, "quantity": 2}]}), 403, "lines[0].item_id")
    assert "Grandfather Clock" in body["detail"] and "Companion" in body["detail"]
    assert snapshot(app) == before
    # A plain item still posts.
    assert receive_plain(clerk, world.oil, 2, world.main)["lines"][0]["quantity"] == 2
    assert receipt["id"]


def test_a_historical_unit_takes_its_warranty_end_from_its_items_warranty(clerk, world):
    unit = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "OLD-7", "customer_id": world.baker,
                                         "warranty_start": "2024-05-31"}, status=201)
    # The clock's warranty: 1 year parts and labor.
    assert (unit["warranty_start"], unit["warranty_end"]) == ("2024-05-31", "2025-05-31")
    month = clerk.ok("POST", "/serials", {"item_id": world.grandfather, "serial_number": "OLD-8",
                                          "customer_id": world.baker, "warranty_start": "2024-01-31"}, status=201)
    assert month["warranty_end"] == "2024-02-29"
    # Editable as usual.
    changed = clerk.ok("PATCH", f"/serials/{unit['id']}", {"warranty_end": "2026-01-01"})
    assert changed["warranty_end"] == "2026-01-01"
    # A given end is kept; no start, no end.
    given = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "OLD-9", "customer_id": world.baker,
                                          "warranty_start": "2024-05-01", "warranty_end": "2024-12-01"}, status=201)
    assert given["warranty_end"] == "2024-12-01"
    bare = clerk.ok("POST", "/serials", {"item_id": world.clock, "serial_number": "OLD-10",
                                         "customer_id": world.baker}, status=201)
    assert (bare["warranty_start"], bare["warranty_end"]) == (None, None)
