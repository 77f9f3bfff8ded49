"""SQLite's write lock is taken by intent: a unit of work that writes begins with it, reads never take it.

Whoever the caller is (a screen, the API, a CLI command, a worker with no request at all),
a transaction that only reads begins deferred and never waits behind a writer, while every
writing unit of work begins with ``BEGIN IMMEDIATE`` and queues behind the one writer.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.posting_request import PostingRequest
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import Item, Location, Settings
from tests.support.web import csrf_token_from

ROUNDS = 10


@pytest.fixture
def shop(app) -> dict:
    with app.app_context():
        Settings.current(db.session)
        clock = Item(name="Armenian Mantel Clock", track_serials=True, cost=Decimal("149.99"))
        main = Location(name="Main Warehouse")
        db.session.add_all([clock, main])
        db.session.commit()
        made = {"clock": clock.id, "main": main.id}
        db.session.remove()
    return made


@pytest.fixture
def begins(app):
    """The BEGIN statements the app's engine sends, in order."""
    sent = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def other_writer(app):
    """A second connection to the database file, as another process would open it."""
    with app.app_context():
        path = db.engine.url.database
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 30000")
    yield connection
    if connection.in_transaction:
        connection.rollback()
    connection.close()


def receipt(shop, *serials) -> PostingRequest:
    return read_document({"type": "item_receipt", "date": "2026-01-05", "location_id": shop["main"],
                                     "lines": [{"item_id": shop["clock"], "quantity": len(serials),
                                                "serials": list(serials)}]})


@pytest.mark.sqlite_only
def test_a_read_outside_a_request_does_not_take_the_write_lock(app, shop, other_writer):
    other_writer.execute("BEGIN IMMEDIATE")
    other_writer.execute("INSERT INTO locations (name, created_at) VALUES ('Back Room', CURRENT_TIMESTAMP)")
    # What a CLI command or a worker runs in: an app context and no request. Were this read to
    # take the write lock, it would wait for the other writer and fail with "database is locked".
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Location)) == 1
        assert db.session.scalar(select(Item.name)) == "Armenian Mantel Clock"
        db.session.remove()
    other_writer.commit()


@pytest.mark.sqlite_only
def test_only_a_unit_of_work_that_writes_begins_with_the_write_lock(app, shop, begins):
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(Item))
        db.session.commit()
        assert begins == ["BEGIN"]
        post_transaction(db.session, receipt(shop, "LOCK-1"))
        assert begins[1] == "BEGIN IMMEDIATE"
        begins.clear()
        # A unit of work started after reads in the same session ends the read and begins anew.
        db.session.scalar(select(func.count()).select_from(Item))
        with unit_of_work(db.session):
            db.session.get(Item, shop["clock"]).notes = "Chimes on the hour"
        assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
        db.session.remove()


@pytest.mark.sqlite_only
def test_pages_that_read_begin_deferred_even_when_posted_to(app, shop, login, begins):
    client = login("clerk")
    begins.clear()
    assert client.get("/admin/items/").status_code == 200
    assert set(begins) == {"BEGIN"}
    begins.clear()
    page = client.get("/admin/items/new/")
    begins.clear()
    # A form that fails validation writes nothing, so it never takes the lock.
    response = client.post("/admin/items/new/", data={"name": "", "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 200
    assert set(begins) == {"BEGIN"}


def test_two_postings_outside_requests_queue_and_both_post(app, shop, books_checked):
    """Two workers posting at the same moment, no request anywhere: the second waits, neither fails."""

    def worker(serial, barrier):
        with app.app_context():
            try:
                barrier.wait()
                return post_transaction(db.session, receipt(shop, serial)).number
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(ROUNDS):
            barrier = threading.Barrier(2, timeout=30)
            numbers = [future.result(timeout=120) for future in
                       [pool.submit(worker, f"Q-{n}-{side}", barrier) for side in "AB"]]
            assert len(set(numbers)) == 2
    with app.app_context():
        assert db.session.get(Item, shop["clock"]).quantity_on_hand == 2 * ROUNDS


@pytest.mark.sqlite_only
def test_an_admin_form_save_waits_for_another_writer_instead_of_failing(app, shop, login, other_writer):
    client = login("clerk")
    page = client.get("/admin/locations/new/")
    other_writer.execute("BEGIN IMMEDIATE")
    other_writer.execute("INSERT INTO locations (name, created_at) VALUES ('Back Room', CURRENT_TIMESTAMP)")

    def commit_soon():
        # The save has read its user by now and waits for the lock; a save that had begun
        # deferred would find its reads out of date once this commits, and fail.
        time.sleep(0.5)
        other_writer.commit()

    committer = threading.Thread(target=commit_soon)
    committer.start()
    try:
        response = client.post("/admin/locations/new/", data={"name": "Showroom",
                                                               "csrf_token": csrf_token_from(page.text)})
    finally:
        committer.join()
    assert response.status_code == 302, response.text
    with app.app_context():
        assert set(db.session.scalars(select(Location.name))) == {"Main Warehouse", "Back Room", "Showroom"}
        db.session.remove()
