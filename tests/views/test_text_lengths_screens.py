"""Lengths of free text on the screens: past the limit the form shows the message on the field and nothing is
written; the inputs carry the limit (maxlength) so a browser stops the clerk before sending."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from sos_serial.extensions import db
from sos_serial.limits import MEMO_MAX_LENGTH, TEXT_MAX_LENGTH
from sos_serial.models import Transaction
from tests.support.api import snapshot
from tests.support.web import csrf_token_from
from tests.support.world import clock_and_main_ids

RECEIPT = "/admin/item_receipts/new/"


def documents(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(Transaction))
        finally:
            db.session.remove()


def receipt_form(client, item_id, location_id, memo: str) -> dict:
    return {"csrf_token": csrf_token_from(client.get(RECEIPT).text), "date": "2026-01-05",
            "location_id": str(location_id), "memo": memo, "lines-0-item_id": str(item_id),
            "lines-0-quantity": "1", "lines-0-serials": "MEMO-SCREEN-1"}


def test_a_one_megabyte_memo_is_refused_on_the_memo_field(app, login, demo):
    client = login("clerk")
    item_id, location_id = clock_and_main_ids(app)
    before = documents(app)
    answer = client.post(RECEIPT, data=receipt_form(client, item_id, location_id, "x" * 1_000_000))
    assert answer.status_code == 422
    page = answer.text
    assert re.search(r'id="memo" name="memo"', page) and 'is-invalid" id="memo"' in page
    feedback = re.search(r'maxlength="\d+">\s*<div class="invalid-feedback d-block">([^<]*)</div>', page)
    assert feedback and f"at most {MEMO_MAX_LENGTH:,} characters" in feedback.group(1)
    assert documents(app) == before


def test_the_memo_input_carries_the_limit_and_a_memo_at_it_posts(app, login, demo):
    client = login("clerk")
    assert f'maxlength="{MEMO_MAX_LENGTH}"' in client.get(RECEIPT).text
    item_id, location_id = clock_and_main_ids(app)
    answer = client.post(RECEIPT, data=receipt_form(client, item_id, location_id, "m" * MEMO_MAX_LENGTH))
    assert answer.status_code == 302, answer.text[:2000]


@pytest.mark.parametrize(("endpoint", "fields", "field", "what"), [
    ("locations", {"name": "Long Notes Room"}, "notes", "Notes"),
    ("customers", {"name": "Long Notes Ltd"}, "notes", "Notes"),
    ("vendors", {"name": "Long Notes Supply"}, "notes", "Notes"),
    ("items", {"name": "Long Description Clock"}, "description", "The description"),
    ("warranties", {"name": "Long Terms", "duration": "12", "unit": "months"}, "terms", "The terms"),
])
def test_long_text_past_its_limit_is_refused_on_the_field(app, login, endpoint, fields, field, what):
    client = login("admin")
    form_page = client.get(f"/admin/{endpoint}/new/").text
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in form_page
    before = snapshot(app)
    answer = client.post(f"/admin/{endpoint}/new/", data={
        "csrf_token": csrf_token_from(form_page), **fields, field: "y" * (TEXT_MAX_LENGTH + 1)})
    assert answer.status_code == 200
    assert f"{what} can be at most {TEXT_MAX_LENGTH:,} characters." in answer.text
    assert snapshot(app) == before
    # At the limit it saves.
    answer = client.post(f"/admin/{endpoint}/new/", data={
        "csrf_token": csrf_token_from(form_page), **fields, field: "y" * TEXT_MAX_LENGTH})
    assert answer.status_code == 302
    assert snapshot(app) != before
