"""Lengths of free text, and lines per document, on the API: past the limit a 422 names the field, the limit
and (for lines) the count, and nothing is written."""
from __future__ import annotations

import pytest

from sos_serial.limits import (
    ITEM_NAME_MAX_LENGTH,
    LINES_PER_DOCUMENT,
    MEMO_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from tests.support.api import assert_problem, post_doc, receive, snapshot
from tests.support.world import DATE


def receipt(world, **fields) -> dict:
    return {"type": "item_receipt", "date": DATE, "location_id": world.main,
            "lines": [{"item_id": world.clock, "quantity": 1, "serials": ["MEMO-1"]}], **fields}


def test_a_one_megabyte_memo_is_refused_by_the_length_rule(app, clerk, world):
    before = snapshot(app)
    answer = clerk.post("/transactions", receipt(world, memo="x" * 1_000_000))
    body = assert_problem(answer, 422, "memo")
    message = body["errors"][0]["message"]
    assert f"at most {MEMO_MAX_LENGTH:,} characters" in message and "1,000,000" in message
    assert len(answer.data) < 10_000  # the refusal does not echo the memo
    assert snapshot(app) == before


def test_a_memo_of_the_longest_length_posts(clerk, world):
    document = post_doc(clerk, **{k: v for k, v in receipt(world, memo="m" * MEMO_MAX_LENGTH).items()})
    assert document["memo"] == "m" * MEMO_MAX_LENGTH


def test_the_openapi_document_gives_the_memos_limit(anonymous):
    schemas = anonymous.get("/openapi.json").get_json()["components"]["schemas"]
    assert schemas["TransactionInput"]["properties"]["memo"]["maxLength"] == MEMO_MAX_LENGTH


@pytest.mark.parametrize(("method", "path", "field", "limit"), [
    ("POST", "/locations", "name", NAME_MAX_LENGTH),
    ("POST", "/locations", "notes", TEXT_MAX_LENGTH),
    ("POST", "/customers", "notes", TEXT_MAX_LENGTH),
    ("POST", "/vendors", "name", NAME_MAX_LENGTH),
    ("POST", "/items", "name", ITEM_NAME_MAX_LENGTH),
    ("POST", "/items", "description", TEXT_MAX_LENGTH),
    ("POST", "/warranties", "terms", TEXT_MAX_LENGTH),
    ("PATCH", "/serials/{unit}", "notes", TEXT_MAX_LENGTH),
])
def test_every_free_text_past_its_limit_is_a_422_naming_the_field_and_the_limit(
        app, admin, world, method, path, field, limit):
    unit = receive(admin, world.clock, ["NOTE-1"], world.main)["lines"][0]
    unit_id = admin.get("/serials", query_string={"q": "NOTE-1"}).get_json()["items"][0]["id"]
    assert unit["serials"] == ["NOTE-1"]
    body = {"name": "Long Text Test", "duration": 1, "unit": "months"} if path == "/warranties" else \
        {} if method == "PATCH" else {"name": "Long Text Test"}
    body[field] = "y" * (limit + 1)
    before = snapshot(app)
    answer = admin.request(method, path.format(unit=unit_id), body)
    problem = assert_problem(answer, 422, field)
    assert f"{limit}" in problem["errors"][0]["message"].replace(",", "")
    assert snapshot(app) == before


def test_a_document_past_the_lines_limit_is_a_422_naming_the_limit_and_the_count(app, clerk, world):
    before = snapshot(app)
    lines = [{"item_id": world.oil, "quantity": 1}] * (LINES_PER_DOCUMENT + 1)
    answer = clerk.post("/transactions", {"type": "item_receipt", "date": DATE, "location_id": world.main,
                                          "lines": lines})
    body = assert_problem(answer, 422, "lines")
    assert f"has {LINES_PER_DOCUMENT + 1:,} lines; at most {LINES_PER_DOCUMENT:,}" in body["detail"]
    assert snapshot(app) == before
