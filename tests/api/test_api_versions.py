"""ETags and If-Match (API.md, additions of 1.1): a write made from a stale reading is a 409, and nothing is written.

Issue 11, row 13: five `PATCH /serials/{id}` at once without a version all answered 200, the last write
winning. With the ETag read sent back in If-Match, exactly one of them wins on both databases.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sos_serial.testing.api import ApiClient
from tests.support.api import assert_problem, problem_text, receive, snapshot

RACERS = 5


@pytest.fixture
def unit(clerk, world) -> dict:
    receive(clerk, world.clock, ["ET-1"], world.main, unit_cost="120.00")
    return clerk.ok("GET", "/serials", query_string={"q": "ET-1"})["items"][0]


def etag_of(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers.get("ETag"), path
    return response.headers["ETag"]


# ---------------------------------------------------------------------------- serial units
def test_a_unit_is_answered_with_an_etag_that_changes_with_each_edit(support, unit):
    path = f"/serials/{unit['id']}"
    first = etag_of(support, path)
    changed = support.patch(path, {"notes": "Dented case"}, headers={"If-Match": first})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.headers["ETag"] != first
    assert changed.headers["ETag"] == etag_of(support, path)


def test_a_stale_if_match_is_a_409_naming_the_unit_and_who_changed_it(app, api, make_user, unit):
    path = f"/serials/{unit['id']}"
    support, clerk = api("support"), api("clerk")
    read_by_support = etag_of(support, path)
    clerk.ok("PATCH", path, {"notes": "Checked by the clerk"}, headers={"If-Match": read_by_support})
    before = snapshot(app)
    problem = assert_problem(support.patch(path, {"warranty_end": "2030-01-01"},
                                           headers={"If-Match": read_by_support}), 409, "version")
    text = problem_text(problem)
    assert "ET-1" in text and "Armenian Mantel Clock" in text
    assert "clerk" in text and "nothing was saved" in text
    assert snapshot(app) == before
    assert support.ok("GET", path)["notes"] == "Checked by the clerk"


def test_an_if_match_that_is_not_the_units_is_a_409(app, support, unit):
    path = f"/serials/{unit['id']}"
    current = etag_of(support, path)

    def refused(header):
        before = snapshot(app)
        assert_problem(support.patch(path, {"notes": "x"}, headers={"If-Match": header}), 409)
        assert snapshot(app) == before

    for header in ('"v999"', '"not-a-version"', "W/" + current, '"v' + "9" * 30 + '"', '""', '"v²"'):
        refused(header)


def test_if_match_star_or_no_version_at_all_still_writes(support, unit):
    path = f"/serials/{unit['id']}"
    assert support.ok("PATCH", path, {"notes": "any version"}, headers={"If-Match": "*"})["notes"] == "any version"
    # A client from before 1.1 sends neither: still accepted, the last write winning.
    assert support.ok("PATCH", path, {"notes": "no version"})["notes"] == "no version"


def test_if_match_and_the_body_s_version_must_both_be_current(app, support, unit):
    path = f"/serials/{unit['id']}"
    current = etag_of(support, path)
    version = support.ok("GET", path)["version"]
    before = snapshot(app)
    assert_problem(support.patch(path, {"notes": "x", "version": version + 1}, headers={"If-Match": current}), 409)
    assert_problem(support.patch(path, {"notes": "x", "version": version}, headers={"If-Match": '"v99"'}), 409)
    assert snapshot(app) == before
    assert support.ok("PATCH", path, {"notes": "both", "version": version}, headers={"If-Match": current})


def race(app, token, path, bodies, headers):
    """Send every body at once, each from a client of its own (its own context, session and connection)."""
    barrier = threading.Barrier(len(bodies), timeout=30)

    def send(body):
        client = ApiClient(app.test_client(), token, own_context=True)
        barrier.wait()
        return client.patch(path, body, headers=headers)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_five_patches_at_once_with_the_etag_read_have_one_winner(app, tokens, support, unit):
    path = f"/serials/{unit['id']}"
    tag = etag_of(support, path)
    bodies = [{"notes": f"racer {n}"} for n in range(RACERS)]
    answers = race(app, tokens["support"], path, bodies, {"If-Match": tag})
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (RACERS - 1), [a.get_data(as_text=True) for a in answers]
    winner = next(answer.get_json() for answer in answers if answer.status_code == 200)
    now = support.ok("GET", path)
    assert now["notes"] == winner["notes"] and now["version"] == unit["version"] + 1
    history = support.ok("GET", f"{path}/history")
    assert [row["transaction_type"] for row in history].count("edit") == 1


def test_five_patches_at_once_with_the_body_s_version_have_one_winner(app, tokens, support, unit):
    path = f"/serials/{unit['id']}"
    bodies = [{"notes": f"racer {n}", "version": unit["version"]} for n in range(RACERS)]
    answers = race(app, tokens["support"], path, bodies, {})
    assert sorted(answer.status_code for answer in answers) == [200] + [409] * (RACERS - 1)


# ---------------------------------------------------------------------------- the other records with a PATCH
def test_items_locations_customers_vendors_and_settings_honour_if_match(app, api, world):
    admin, clerk = api("admin"), api("clerk")
    cases = [(f"/items/{world.oil}", {"sku": "OIL-{}"}), (f"/locations/{world.main}", {"name": "Main {}"}),
             (f"/customers/{world.acme}", {"name": "Acme {}"}), (f"/vendors/{world.vendor}", {"name": "Yerevan {}"}),
             ("/settings", {"purchasing": {"auto_serial_prefix": "P{}-"}})]
    for path, template in cases:
        def body(n, template=template):
            return {key: ({k: v.format(n) for k, v in value.items()} if isinstance(value, dict) else value.format(n))
                    for key, value in template.items()}

        read = etag_of(clerk, path)
        changed = admin.patch(path, body(1), headers={"If-Match": read})
        assert changed.status_code == 200, (path, changed.get_data(as_text=True))
        assert changed.headers["ETag"] not in ("", read)
        before = snapshot(app)
        problem = assert_problem(admin.patch(path, body(2), headers={"If-Match": read}), 409, "If-Match")
        assert "nothing was saved" in problem["detail"], path
        assert snapshot(app) == before, path
        # Without If-Match, as before 1.1: applied.
        assert admin.patch(path, body(3)).status_code == 200, path


def test_a_stale_item_change_names_the_item(app, clerk, world):
    path = f"/items/{world.oil}"
    read = etag_of(clerk, path)
    clerk.ok("PATCH", path, {"sku": "OIL-1"}, headers={"If-Match": read})
    problem = assert_problem(clerk.patch(path, {"sku": "OIL-2"}, headers={"If-Match": read}), 409)
    assert "Clock Oil 10 ml" in problem["detail"]


def test_the_openapi_document_names_the_etag_and_if_match(anonymous):
    document = anonymous.ok("GET", "/openapi.json")
    for path in ("/serials/{id}", "/items/{id}", "/customers/{id}", "/vendors/{id}", "/locations/{id}", "/settings"):
        for method in ("get", "patch"):
            assert "ETag" in document["paths"][path][method]["responses"]["200"]["headers"], (path, method)
        names = [(p["in"], p["name"]) for p in document["paths"][path]["patch"]["parameters"]]
        assert ("header", "If-Match") in names, path
