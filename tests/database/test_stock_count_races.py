"""Two clerks scanning into the same count at once: no scan lost, none counted twice.

Real concurrency, as in test_concurrency.py: two threads, each with its own test client (its own app
context, session and connection), released together by a barrier, sending overlapping batches to
``POST /api/v1/stock-counts/{id}/scans``. The unique (count, serial key) index decides who scanned first.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.stock_counts import start_count
from sos_serial.extensions import db
from sos_serial.models import ApiToken, Item, Location, Settings, StockCountScan, User

ROUNDS = 20
BATCH = 6
OVERLAP = 2
BARRIER_TIMEOUT = 30


@pytest.fixture
def counting(app, books_checked):
    """Two clerks with tokens, a shelf of units at Main Warehouse and an open count there; checked afterwards."""
    with app.app_context():
        Settings.current(db.session)
        db.session.commit()
        clerks = [User(username=f"counter-{n}", role="clerk") for n in (1, 2)]
        for clerk in clerks:
            clerk.password_hash = "not-a-usable-hash"  # token-only clerks; hashing is slow
        main = Location(name="Main Warehouse")
        item = Item(name="Armenian Mantel Clock", sku="CLK-ARM-01", track_serials=True, cost=Decimal("149.99"))
        db.session.add_all([*clerks, main, item])
        db.session.flush()
        issued = [ApiToken.issue(clerk) for clerk in clerks]
        db.session.add_all(record for record, _ in issued)
        db.session.commit()
        serials = [f"RC-{n:04d}" for n in range(ROUNDS * BATCH)]
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-03-02", "location_id": main.id,
            "lines": [{"item_id": item.id, "quantity": len(serials), "serials": serials}]}))
        count_id = start_count(db.session, main.id).id
        tokens = [token for _, token in issued]
        db.session.remove()
    return count_id, tokens


def test_two_clerks_scanning_overlapping_batches_count_each_unit_once(app, counting):
    count_id, tokens = counting
    clients = [app.test_client() for _ in tokens]
    headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
    url = f"/api/v1/stock-counts/{count_id}/scans"
    told_already = 0
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="counter") as pool:
        for round_number in range(ROUNDS):
            first = round_number * BATCH
            # Each clerk's batch holds OVERLAP serials the other's holds too.
            half = (BATCH + OVERLAP) // 2
            batches = [[f"RC-{n:04d}" for n in range(first, first + half)],
                       [f"RC-{n:04d}" for n in range(first + BATCH - half, first + BATCH)]]
            barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)

            def clerk(n, batch):
                barrier.wait()
                return clients[n].post(url, json={"serials": batch}, headers=headers[n])

            answers = [future.result(timeout=120) for future in
                       [pool.submit(clerk, n, batch) for n, batch in enumerate(batches)]]
            assert [answer.status_code for answer in answers] == [201, 201], [a.get_json() for a in answers]
            said: dict[str, list[str]] = {}
            for answer in answers:
                for scan in answer.get_json()["scans"]:
                    said.setdefault(scan["serial_number"], []).append(scan["result"])
            # Each serial scanned by both: one clerk counted it, the other was told it was already scanned.
            for serial, results in said.items():
                assert sorted(results) in (["counted"], ["already_scanned", "counted"]), (serial, results)
                told_already += results.count("already_scanned")
    assert told_already == ROUNDS * OVERLAP
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(StockCountScan)
                                 .where(StockCountScan.count_id == count_id))
        distinct = db.session.scalar(select(func.count(func.distinct(StockCountScan.serial_key)))
                                     .where(StockCountScan.count_id == count_id))
        db.session.remove()
    assert rows == distinct == ROUNDS * BATCH
