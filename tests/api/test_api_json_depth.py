"""JSON depth: a body nesting arrays and objects past JSON_MAX_DEPTH is refused 400 problem+json before any
parser sees it (100,000 nested ``[`` used to be a 500), cheaply and with nothing written."""
from __future__ import annotations

import pytest

from sos_serial.limits import JSON_MAX_DEPTH, json_depth
from tests.support.api import assert_problem, post_doc, snapshot
from tests.support.world import DATE

TOO_DEEP = f"more than {JSON_MAX_DEPTH} levels deep"


def send(client, raw: bytes, path: str = "/transactions", method: str = "POST"):
    return client.request(method, path, data=raw, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(("method", "path"), [("POST", "/transactions"), ("POST", "/items"), ("POST", "/locations"),
                                              ("PATCH", "/settings")])
def test_a_hundred_thousand_nested_brackets_are_refused_with_400(app, admin, world, method, path):
    before = snapshot(app)
    answer = send(admin, b'{"a":' * 100_000 + b"1" + b"}" * 100_000, path, method)
    body = assert_problem(answer, 400)
    assert TOO_DEEP in body["detail"] and "Nothing was read or saved" in body["detail"]
    assert snapshot(app) == before


def test_unclosed_brackets_are_refused_the_same_way(admin, world):
    body = assert_problem(send(admin, b'{"lines": ' + b"[" * 100_000), 400)
    assert TOO_DEEP in body["detail"]


def nested_memo(depth: int) -> bytes:
    # A document whose custom fields hold a value nested ``depth`` levels in all (the document is level 1).
    inner = b"[" * (depth - 2) + b"1" + b"]" * (depth - 2)
    return (f'{{"type": "item_receipt", "date": "{DATE}", "lines": [], "custom_fields": {{"x": ').encode() \
        + inner + b"}}"


def test_the_limit_is_exact_and_the_shapes_answer_below_it(admin, world):
    assert json_depth(nested_memo(JSON_MAX_DEPTH)) == JSON_MAX_DEPTH
    # At the limit the body is parsed and the shape answers for itself (no lines): 422, not the depth refusal.
    answer = send(admin, nested_memo(JSON_MAX_DEPTH))
    assert answer.status_code == 422 and TOO_DEEP not in answer.text
    assert TOO_DEEP in assert_problem(send(admin, nested_memo(JSON_MAX_DEPTH + 1)), 400)["detail"]


def test_brackets_inside_text_do_not_count(admin, world):
    memo = "[" * 200 + '"{' * 50 + "\\"
    document = post_doc(admin, type="item_receipt", location_id=world.main, memo=memo,
                        lines=[{"item_id": world.clock, "quantity": 1, "serials": ["[[[[SN-1"]}])
    assert document["memo"] == memo


@pytest.mark.parametrize(("raw", "depth"), [
    (b"1", 0), (b"[]", 1), (b'{"a": [1, {"b": "[[[["}], "c\\"[": [[]]}', 3), (b'["\\\\", [[]]]', 3),
    (b'["a\\\\\\"[", []]', 2), (b'["[", "b", "]]]]", [""]]', 2), (b"[" * 32 + b"]" * 32, 32),
])
def test_json_depth_counts_brackets_outside_strings(raw, depth):
    assert json_depth(raw) == depth


def test_json_depth_measures_the_largest_bodies_without_recursing():
    assert json_depth(b"[" + b"[]," * 10_000_000 + b"[]]") == 2
    assert json_depth(b"[" * 30_000_000) > JSON_MAX_DEPTH
    serials = b"[" + b",".join([b'"SN-0000000000000000000000000000000000000000000000000000000000001"'] * 200_000) + b"]"
    assert json_depth(serials) == 1


def test_the_serial_check_refuses_a_too_deep_body(app, login, demo):
    from tests.support.web import csrf_token_from

    client = login("clerk")
    token = csrf_token_from(client.get("/admin/item_receipts/new/").text)
    answer = client.post("/admin/item_receipts/serial-check/", data=b'{"serials": ' + b"[" * 100_000,
                         content_type="application/json", headers={"X-CSRFToken": token})
    assert answer.status_code == 400 and TOO_DEEP in answer.get_json()["error"]
