"""Every answer carries an X-Request-Id (a sane incoming one kept, else one made), and problem+json names it."""
from __future__ import annotations

import re

from tests.support.api import assert_problem


def test_every_answer_carries_a_request_id_and_a_problem_names_it(clerk, anonymous, world):
    ok = clerk.get("/items")
    assert ok.status_code == 200 and re.fullmatch(r"[0-9a-f]{24}", ok.headers["X-Request-Id"])
    refused = anonymous.get("/items")
    body = assert_problem(refused, 401)
    assert body["request_id"] == refused.headers["X-Request-Id"]
    missing = assert_problem(clerk.get("/serials/999999"), 404)
    assert re.fullmatch(r"[0-9a-f]{24}", missing["request_id"])
    unknown = clerk.get("/no-such-route")
    assert assert_problem(unknown, 404)["request_id"] == unknown.headers["X-Request-Id"]


def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(clerk, world):
    kept = clerk.get("/serials/999999", headers={"X-Request-Id": "lb-7f3a9c01-2b"})
    assert kept.headers["X-Request-Id"] == "lb-7f3a9c01-2b"
    assert kept.get_json()["request_id"] == "lb-7f3a9c01-2b"
    for bad in ("short", "x" * 129, "<script>alert(1)</script>", "id with spaces in it"):
        answer = clerk.get("/items", headers={"X-Request-Id": bad})
        assert answer.headers["X-Request-Id"] != bad
        assert re.fullmatch(r"[0-9a-f]{24}", answer.headers["X-Request-Id"])


def test_two_requests_get_two_ids(clerk, world):
    assert clerk.get("/items").headers["X-Request-Id"] != clerk.get("/items").headers["X-Request-Id"]
