"""Request size on the screens: a post larger than the app takes is answered with the clerk's message on
the page they came from (or as the serial check's JSON), and nothing is written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from sos_serial.extensions import db
from sos_serial.models import Transaction
from tests.support.web import csrf_token_from
from tests.support.world import clock_and_main_ids

RECEIPT = "/admin/item_receipts/new/"
TOO_LARGE = "larger than this server takes"


def documents(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(Transaction))
        finally:
            db.session.remove()


def receipt_form(client, item_id, location_id, serials_csv: str) -> dict:
    token = csrf_token_from(client.get(RECEIPT).text)
    return {"csrf_token": token, "date": "2026-01-05", "location_id": str(location_id), "memo": "",
            "lines-0-item_id": str(item_id), "lines-0-quantity": str(serials_csv.count("\n") + 1),
            "lines-0-serials_csv": serials_csv, "lines-0-csv_name": "serials.csv"}


def test_a_receipt_past_the_limit_is_refused_on_the_form_with_nothing_written(app, login, demo):
    client = login("clerk")
    item_id, location_id = clock_and_main_ids(app)
    form = receipt_form(client, item_id, location_id, "\n".join(f"BIG-{n:06d}" for n in range(5_000)))
    app.config["MAX_CONTENT_LENGTH"] = 20_000
    before = documents(app)
    answer = client.post(RECEIPT, data=form, headers={"Referer": f"http://localhost{RECEIPT}"})
    assert answer.status_code == 303 and answer.location.endswith(RECEIPT)
    page = client.get(answer.location).text
    assert TOO_LARGE in page and "nothing was read or saved" in page
    assert documents(app) == before


def test_the_serial_check_answers_a_too_large_list_as_json(app, login, demo):
    client = login("clerk")
    token = csrf_token_from(client.get(RECEIPT).text)
    app.config["MAX_CONTENT_LENGTH"] = 20_000
    answer = client.post("/admin/item_receipts/serial-check/", json={"serials": [f"S-{n}" for n in range(5_000)]},
                         headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert answer.status_code == 413 and TOO_LARGE in answer.get_json()["error"]


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_100000_serial_csv_in_the_form_reaches_the_posting_at_the_default_limit(app, login, demo, multipart):
    # 1.6 MB in one form field: inside the app's limit, and (sent as multipart, as a form with a file
    # input would) past Flask's own 500 kB a text part. The posting refuses it for its own reason (no
    # such location), so no 100,000 units are written here.
    client = login("clerk")
    item_id, _location = clock_and_main_ids(app)
    form = receipt_form(client, item_id, 2**31 - 2, "\n".join(f"CLK-{n:012d}" for n in range(100_000)))
    before = documents(app)
    if multipart:
        # Encoded in memory: the test client's own encoding spools a large body to a file it leaves open.
        boundary, body = encode_multipart(form)
        answer = client.post(RECEIPT, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    else:
        answer = client.post(RECEIPT, data=form)
    assert answer.status_code == 422, answer.status_code
    assert TOO_LARGE not in answer.text
    assert documents(app) == before
