"""The app through PgBouncer in transaction mode: postings land, a lock wait gives up as it does directly,
and nothing a transaction sets (lock_timeout, session_replication_role) leaks to the next client.

Transaction mode gives each transaction whichever server connection is free. Here PgBouncer keeps ONE
server connection, so every client connection's transactions share it: anything left on the server
between transactions is met by the next client at once. Skipped only where pgbouncer is not installed.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from sqlalchemy import create_engine, func, select, text

from sos_serial.api.schemas.transactions import read_document
from sos_serial.config import engine_options
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.posting import post_transaction
from sos_serial.errors import Busy
from sos_serial.extensions import db
from sos_serial.models import SerialUnit
from tests.support import pgbouncer
from tests.support.api import ApiClient, issue_token
from tests.support.world import DATE, make_company

pytestmark = [pytest.mark.postgresql_only,
              pytest.mark.skipif(pgbouncer.binary() is None, reason="pgbouncer is not installed")]

CLERKS, RECEIPTS_EACH = 3, 6  # more than psycopg's five runs before it prepares a statement
SERIALS_PER_LINE = 200


@pytest.fixture
def bouncer(database_url):
    """``bouncer(pool_size)``: the test's database through a new PgBouncer in transaction mode."""
    folders = []

    def start(pool_size: int) -> str:
        # Not in tmp_path: as root PgBouncer runs as the postgres user, who cannot enter pytest's folders.
        folders.append(tempfile.mkdtemp(prefix="sos-serial-pgbouncer-"))
        return pgbouncer.start(folders[-1], database_url, pool_size=pool_size)

    yield start
    for folder in folders:
        pgbouncer.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pooled_app(app_config, bouncer, stock_free_app_factory):
    """``pooled_app(pool_size)``: an app with SOS_SERIAL_PGBOUNCER on, through a PgBouncer, the small company in it."""

    def make(pool_size: int, **settings):
        made = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": bouncer(pool_size),
                                       "SOS_SERIAL_PGBOUNCER": True, **settings})
        with made.app_context():
            made.company = make_company(db.session)
            db.session.remove()
        return made

    return make


def receipt(company, serial: str) -> dict:
    return {"type": "item_receipt", "date": DATE, "location_id": company.main,
            "lines": [{"item_id": company.clock, "quantity": 1, "serials": [serial]}]}


def large_receipt(company, prefix: str) -> dict:
    """Lines big enough for bulk statements, whose set-up queries run several times in one transaction."""
    return {"type": "item_receipt", "date": DATE, "location_id": company.main,
            "lines": [{"item_id": item, "quantity": SERIALS_PER_LINE,
                       "serials": [f"{prefix}-{item}-{n}" for n in range(SERIALS_PER_LINE)]}
                      for item in (company.clock, company.grandfather)]}


def test_clerks_posting_at_once_through_pgbouncer_all_land(pooled_app):
    pooled_app = pooled_app(1)
    start = threading.Barrier(CLERKS, timeout=30)

    def clerk(n):
        # Each clerk's thread has its own app context, so its own session and client connection.
        with pooled_app.app_context():
            start.wait()
            for k in range(RECEIPTS_EACH):
                post_transaction(db.session, read_document(large_receipt(pooled_app.company, f"POOL-{n}-{k}")),
                                 limits=pooled_app.extensions[LIMITS_KEY])
            db.session.remove()

    with ThreadPoolExecutor(max_workers=CLERKS) as pool:
        list(pool.map(clerk, range(CLERKS)))
    with pooled_app.app_context():
        units = db.session.scalar(select(func.count()).select_from(SerialUnit))
        assert units == CLERKS * RECEIPTS_EACH * 2 * SERIALS_PER_LINE
        db.session.remove()


def test_the_api_answers_through_pgbouncer(pooled_app):
    # A request may hold two connections at once (its session, and a brief write of the token's last use):
    # PgBouncer's pool needs one server connection more than the requests in a transaction at once.
    pooled_app = pooled_app(2)
    api = ApiClient(pooled_app.test_client(), issue_token(pooled_app, "pooled-clerk", "clerk"))
    answers = [api.post("/transactions", receipt(pooled_app.company, f"POOL-API-{k}")).status_code
               for k in range(RECEIPTS_EACH)]
    assert answers == [201] * RECEIPTS_EACH
    assert api.get(f"/serials?item_id={pooled_app.company.clock}").status_code == 200


def test_a_lock_wait_gives_up_whole_and_its_timeout_stays_in_its_transaction(pooled_app, database_url):
    pooled_app = pooled_app(1, SOS_SERIAL_LOCK_TIMEOUT_SECONDS=0.5)
    direct = create_engine(database_url)
    try:
        with direct.connect() as other, pooled_app.app_context():
            other.execute(text("SELECT id FROM items FOR UPDATE"))
            with pytest.raises(Busy):
                post_transaction(db.session, read_document(receipt(pooled_app.company, "POOL-LOCKED")),
                                 limits=pooled_app.extensions[LIMITS_KEY])
            db.session.remove()
            other.rollback()
            # The same single server connection now serves a plain read: SET LOCAL ended with the posting.
            with db.engine.connect() as reader:
                assert reader.execute(text("SHOW lock_timeout")).scalar() == "0"
                assert reader.execute(text("SHOW session_replication_role")).scalar() == "origin"
            post_transaction(db.session, read_document(receipt(pooled_app.company, "POOL-LOCKED")),
                             limits=pooled_app.extensions[LIMITS_KEY])
            assert db.session.scalar(select(func.count()).select_from(SerialUnit)) == 1
            db.session.remove()
    finally:
        direct.dispose()


@pytest.mark.parametrize("pgbouncer_setting", [True, False])
def test_without_the_setting_two_clients_clash_on_a_prepared_statement(bouncer, pgbouncer_setting):
    """Why SOS_SERIAL_PGBOUNCER exists: psycopg prepares a statement it ran five times, by a name
    another client connection also uses, on the one server connection they share."""
    pooled_url = bouncer(1)
    engine = create_engine(pooled_url, **engine_options(pooled_url, pgbouncer_setting))
    try:
        first, second = engine.connect(), engine.connect()

        def run_both():
            for _ in range(RECEIPTS_EACH):
                for conn in (first, second):
                    conn.execute(text("SELECT count(*) FROM items WHERE id > :n"), {"n": 0})
                    conn.commit()

        if pgbouncer_setting:
            run_both()
        else:
            with pytest.raises(Exception) as clash:
                run_both()
            assert isinstance(clash.value.orig, (psycopg.errors.DuplicatePreparedStatement,
                                                 psycopg.errors.InvalidSqlStatementName))
        first.close()
        second.close()
    finally:
        engine.dispose()
