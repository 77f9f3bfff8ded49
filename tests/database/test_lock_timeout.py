"""A save that cannot get the write lock in time gives up whole: 503 with Retry-After on the API, a plain
message on the screens, nothing written; sign-in and reads go on while another save holds the lock.

The lock is held from a second connection, as another process's long posting would hold it: on SQLite a
raw connection in ``BEGIN IMMEDIATE``, on PostgreSQL a transaction holding every item's and every user's
row lock (a posting locks the rows of the items it moves; signing out writes the user's row).
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.posting import post_transaction
from sos_serial.errors import Busy
from sos_serial.extensions import db
from sos_serial.models import User
from tests.support.api import ApiClient, assert_problem, issue_token, snapshot
from tests.support.web import PASSWORD, csrf_token_from
from tests.support.world import DATE, make_company

WAIT_SECONDS = 0.5
RECEIPT = "/admin/item_receipts/new/"


@pytest.fixture
def busy_app(app_config, stock_free_app_factory, password_hash):
    """An app whose saves wait half a second for the lock, with the small company and a clerk who signs in."""
    made = stock_free_app_factory({**app_config, "SOS_SERIAL_LOCK_TIMEOUT_SECONDS": WAIT_SECONDS})
    with made.app_context():
        made.company = make_company(db.session, with_clerk=False)
        db.session.add(User(username="desk", role="clerk", password_hash=password_hash))
        db.session.commit()
        db.session.remove()
    return made


@pytest.fixture
def held_lock(busy_app, db_backend):
    """``with held_lock():`` another connection holds the write lock (SQLite) or the items' and users' rows
    (PostgreSQL)."""

    @contextmanager
    def hold():
        with busy_app.app_context():
            engine = db.engine
        if db_backend == "sqlite":
            other = sqlite3.connect(engine.url.database, isolation_level=None, check_same_thread=False)
            other.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                other.rollback()
                other.close()
            return
        with engine.connect() as other:
            other.execute(text("SELECT id FROM items FOR UPDATE"))
            other.execute(text("SELECT id FROM users FOR UPDATE"))
            try:
                yield
            finally:
                other.rollback()

    return hold


def receipt(company, serial: str) -> dict:
    return {"type": "item_receipt", "date": DATE, "location_id": company.main,
            "lines": [{"item_id": company.clock, "quantity": 1, "serials": [serial]}]}


def test_the_api_answers_503_with_retry_after_and_writes_nothing(busy_app, held_lock):
    clerk = ApiClient(busy_app.test_client(), issue_token(busy_app, "api-clerk", "clerk"))
    before = snapshot(busy_app)
    with held_lock():
        answer = clerk.post("/transactions", receipt(busy_app.company, "LOCKED-1"))
    body = assert_problem(answer, 503)
    assert answer.headers["Retry-After"] == str(Busy.retry_after)
    assert "Another save is in progress" in body["detail"] and "nothing was saved" in body["detail"]
    assert "locked" not in answer.text.lower() and "lock_timeout" not in answer.text
    assert snapshot(busy_app) == before
    # Once the lock is free the same document posts.
    assert clerk.post("/transactions", receipt(busy_app.company, "LOCKED-1")).status_code == 201


def test_the_engine_refuses_with_busy_and_writes_nothing(busy_app, held_lock):
    before = snapshot(busy_app)
    with held_lock(), busy_app.app_context():
        with pytest.raises(Busy) as refused:
            post_transaction(db.session, read_document(receipt(busy_app.company, "LOCKED-2")),
                             limits=busy_app.extensions[LIMITS_KEY])
        db.session.remove()
    assert refused.value.message.endswith("Try again in a few seconds.")
    assert snapshot(busy_app) == before


def sign_in(client) -> None:
    page = client.get("/login")
    answer = client.post("/login", data={"username": "desk", "password": PASSWORD,
                                         "csrf_token": csrf_token_from(page.text)})
    assert answer.status_code == 302, answer.text


def test_sign_in_and_reading_work_while_another_save_holds_the_lock(busy_app, held_lock):
    client = busy_app.test_client()
    with held_lock():
        # The lock stays held throughout: a page that needed it would answer 503, not 200.
        sign_in(client)
        assert client.get("/admin/").status_code == 200
        assert client.get(RECEIPT).status_code == 200
        assert client.get("/admin/items/").status_code == 200


def test_the_screen_says_another_save_is_in_progress_and_keeps_the_form(busy_app, held_lock):
    client = busy_app.test_client()
    sign_in(client)
    company = busy_app.company
    form = {"csrf_token": csrf_token_from(client.get(RECEIPT).text), "date": "2026-01-05",
            "location_id": str(company.main), "memo": "", "lines-0-item_id": str(company.clock),
            "lines-0-quantity": "1", "lines-0-serials": "LOCKED-3"}
    before = snapshot(busy_app)
    with held_lock():
        answer = client.post(RECEIPT, data=form)
    assert answer.status_code == 503
    assert "Another save is in progress" in answer.text and "Try again in a few seconds" in answer.text
    assert "database is locked" not in answer.text and "OperationalError" not in answer.text
    assert "LOCKED-3" in answer.text  # the clerk's entry is still on the form
    assert snapshot(busy_app) == before


def test_any_other_screen_write_that_cannot_get_the_lock_is_told_to_try_again(busy_app, held_lock):
    # Choosing the Serial inventory's columns writes the user's choice: under the lock it is refused with
    # the message on the page the clerk came from, nothing is kept, and it works once the lock is free.
    client = busy_app.test_client()
    sign_in(client)
    page = client.get("/admin/serial_inventory/").text
    choice = {"csrf_token": csrf_token_from(page), "url": "/admin/serial_inventory/", "columns": ["item", "status"]}
    before = snapshot(busy_app)["column_preferences"]
    with held_lock():
        answer = client.post("/admin/serial_inventory/columns/", data=choice,
                             headers={"Referer": "http://localhost/admin/serial_inventory/"})
    assert answer.status_code == 303 and answer.location.endswith("/admin/serial_inventory/")
    assert answer.headers["Retry-After"] == str(Busy.retry_after)
    page = client.get(answer.location)
    assert page.status_code == 200 and "Another save is in progress" in page.text
    assert snapshot(busy_app)["column_preferences"] == before
    assert client.post("/admin/serial_inventory/columns/", data=choice).status_code == 302
    assert snapshot(busy_app)["column_preferences"] != before


def test_signing_out_while_the_lock_is_held_signs_this_browser_out_and_says_what_was_not_done(
        busy_app, held_lock):
    # Signing out ends every session of the user, a write; under the lock this browser is still signed out
    # (a clerk leaving a shared counter must not stay signed in), and the page says the others were not.
    client = busy_app.test_client()
    sign_in(client)
    token = csrf_token_from(client.get("/admin/").text)
    with held_lock():
        answer = client.post("/logout", data={"csrf_token": token})
        assert answer.status_code == 302 and answer.location.endswith("/login")
        page = client.get(answer.location).text
        assert "could not be ended because the database is busy" in page
        assert client.get("/admin/").status_code == 302


# PostgreSQL has no database-wide write lock: a new location waits for no item's row.
@pytest.mark.sqlite_only
def test_a_record_form_keeps_what_was_typed_and_says_to_try_again(busy_app, held_lock):
    client = busy_app.test_client()
    sign_in(client)
    form_page = client.get("/admin/locations/new/").text
    before = snapshot(busy_app)
    with held_lock():
        answer = client.post("/admin/locations/new/", data={"csrf_token": csrf_token_from(form_page),
                                                            "name": "Overflow Room", "notes": "typed"})
    assert answer.status_code == 200
    assert "Another save is in progress" in answer.text and 'value="Overflow Room"' in answer.text
    assert snapshot(busy_app) == before
