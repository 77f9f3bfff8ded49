"""A database that cannot serve (unreachable, restarting, its disk full): a 503 naming the problem, never a 500 or
raw database text, nothing written; a connection the server dropped is let go and the next request gets a new one.

The unreachable database is a PostgreSQL URL on a port nothing listens on; the full disk is SQLite's own limit on
the file's pages (``PRAGMA max_page_count``), which answers exactly as a full disk does (SQLITE_FULL).
"""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from sos_serial.database.unavailable import database_unavailable, release_session, rollback_quietly
from sos_serial.errors import Unavailable
from sos_serial.extensions import db
from tests.support.api import ApiClient, assert_problem, issue_token, row_counts
from tests.support.world import DATE, make_company


def _nothing_listens() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere"


@pytest.fixture
def unreachable_app(app_config, stock_free_app_factory):
    return stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": _nothing_listens(),
                                   "WTF_CSRF_ENABLED": False})


@pytest.mark.postgresql_only
def test_an_api_call_while_the_database_cannot_be_reached_is_a_503_saying_so(unreachable_app):
    response = unreachable_app.test_client().get("/api/v1/items", headers={"Authorization": "Bearer sos_anything"})
    body = assert_problem(response, 503)
    assert body["title"] == "Database unavailable"
    assert "cannot be reached" in body["detail"] and "nothing was saved" in body["detail"]
    assert response.headers["Retry-After"] == "5"
    assert "psycopg" not in response.get_data(as_text=True)


@pytest.mark.postgresql_only
def test_signing_in_while_the_database_cannot_be_reached_is_a_503_page(unreachable_app):
    response = unreachable_app.test_client().post("/login", data={"username": "desk", "password": "whatever-it-is"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page
    assert "cannot be reached" in page
    assert "Request id" in page
    assert "psycopg" not in page and "Traceback" not in page


@pytest.mark.postgresql_only
def test_a_signed_in_screen_while_the_database_cannot_be_reached_is_a_503_page(unreachable_app):
    # The session cookie of a signed-in user: loading that user is the first thing the page (and any page drawn
    # about the error) asks of the database.
    client = unreachable_app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1.1"
        cookie["_fresh"] = True
    response = client.get("/admin/serial_inventory/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page
    assert "cannot be reached" in page
    assert "psycopg" not in page and "Traceback" not in page


@pytest.mark.postgresql_only
def test_a_dropped_connection_is_let_go_and_the_session_works_again(database_url):
    engine = create_engine(database_url)
    sessions = scoped_session(sessionmaker(engine))
    try:
        for let_go in (rollback_quietly, release_session):
            session = sessions()
            backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            with pytest.raises(Exception) as dropped:
                session.execute(text("SELECT 1"))
            assert isinstance(database_unavailable(dropped.value), Unavailable)
            let_go(sessions)
            assert sessions().execute(text("SELECT 1")).scalar_one() == 1
            sessions.remove()
    finally:
        sessions.remove()
        engine.dispose()


@pytest.mark.sqlite_only
def test_a_receipt_on_a_full_disk_is_a_503_naming_it_with_nothing_written(app):
    with app.app_context():
        company = make_company(db.session)
        db.session.remove()
    clerk = ApiClient(app.test_client(), issue_token(app, "desk", "clerk"), "clerk", own_context=True)
    before = row_counts(app)

    def file_cannot_grow(dbapi_connection, _record):
        # The file may not grow past what it holds now: the next pages a write needs meet a "full disk".
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    with app.app_context():
        engine = db.engine
    engine.dispose()
    event.listen(engine, "connect", file_cannot_grow)
    try:
        response = clerk.post("/transactions", {
            "type": "item_receipt", "date": DATE, "vendor_id": company.vendor, "location_id": company.main,
            "lines": [{"item_id": company.clock, "quantity": 3000, "unit_cost": "10.00",
                       "serial_ranges": [{"first": "FULL-00001", "count": 3000}]}]})
    finally:
        event.remove(engine, "connect", file_cannot_grow)
        engine.dispose()
    body = assert_problem(response, 503)
    assert "run out of disk space" in body["detail"] and "nothing was saved" in body["detail"]
    assert "disk is full" not in body["detail"]  # the driver's words stay in the log
    assert row_counts(app) == before
    again = clerk.post("/transactions", {
        "type": "item_receipt", "date": DATE, "vendor_id": company.vendor, "location_id": company.main,
        "lines": [{"item_id": company.clock, "quantity": 3, "unit_cost": "10.00",
                   "serial_ranges": [{"first": "FULL-00001", "count": 3}]}]})
    assert again.status_code == 201, again.get_data(as_text=True)


def test_a_lock_wait_or_a_refused_row_is_not_taken_for_an_unavailable_database(database_url):
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, pytest.raises(Exception) as refused:
            session.execute(text("SELECT * FROM no_such_table"))
        assert database_unavailable(refused.value) is None
    finally:
        engine.dispose()
