"""Two clerks at the same moment (DESIGN.md rule 11): exactly one wins, the other gets a clear 409.

Real concurrency, no mocks: two threads, each with its own Flask test client (so each request
has its own app context, database session and connection), post ``POST /api/v1/transactions``
with a bearer token and are released together by a barrier. Each race is repeated on fresh
units, in one app per test, on SQLite and on PostgreSQL (``--db``).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting import post_transaction
from sos_serial.extensions import db
from sos_serial.models import (
    ApiToken,
    Customer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    Settings,
    Transaction,
    TransactionLine,
    TransactionLineSerial,
    User,
    Vendor,
)
from sos_serial.models.serial_unit import IN_STOCK, SHIPPED, serial_key

ROUNDS = 50
DATE = "2026-03-02"
BARRIER_TIMEOUT = 30


@dataclass
class Shop:
    tokens: tuple[str, str]  # one API token per clerk
    locations: tuple[int, int]
    customers: tuple[int, int]
    vendor: int
    item: int


def _ids(*records) -> tuple[int, ...]:
    return tuple(record.id for record in records)


@pytest.fixture
def shop(app) -> Shop:
    with app.app_context():
        Settings.current(db.session)
        db.session.commit()
        clerks = [User(username=f"clerk-{n}", role="clerk") for n in (1, 2)]
        for clerk in clerks:
            clerk.password_hash = "not-a-usable-hash"  # these clerks use tokens only; hashing is slow
        locations = [Location(name="Main Warehouse"), Location(name="Showroom")]
        customers = [Customer(name="Acme Clocks"), Customer(name="Baker & Sons Jewelers")]
        vendor = Vendor(name="Yerevan Clockworks")
        item = Item(name="Armenian Mantel Clock", sku="CLK-ARM-01", track_serials=True, cost=Decimal("149.99"))
        db.session.add_all([*clerks, *locations, *customers, vendor, item])
        db.session.flush()
        issued = [ApiToken.issue(clerk) for clerk in clerks]
        db.session.add_all(record for record, _ in issued)
        db.session.commit()
        made = Shop(tokens=tuple(token for _, token in issued), locations=_ids(*locations),
                    customers=_ids(*customers), vendor=vendor.id, item=item.id)
        db.session.remove()
    return made


class Race:
    """Two clerks, each with a test client of their own, posting documents at the same moment."""

    def __init__(self, app, tokens):
        self.clients = [app.test_client() for _ in tokens]
        self.headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
        self.pool = ThreadPoolExecutor(max_workers=len(tokens), thread_name_prefix="clerk")

    def run(self, *documents):
        barrier = threading.Barrier(len(documents), timeout=BARRIER_TIMEOUT)

        def clerk(n, document):
            barrier.wait()
            return self.clients[n].post("/api/v1/transactions", json=document, headers=self.headers[n])

        futures = [self.pool.submit(clerk, n, document) for n, document in enumerate(documents)]
        return [future.result(timeout=120) for future in futures]

    def close(self):
        self.pool.shutdown(wait=True)


@pytest.fixture
def race(app, shop, books_checked):
    """The two clerks; once they are done, the check over the whole database finds nothing wrong."""
    racing = Race(app, shop.tokens)
    yield racing
    racing.close()


# ---------------------------------------------------------------------------- reading back
def _unit(item_id: int, serial: str) -> SerialUnit | None:
    return db.session.scalars(select(SerialUnit).where(
        SerialUnit.item_id == item_id, SerialUnit.serial_key == serial_key(serial))).one_or_none()


def _units_named(item_id: int, serial: str) -> int:
    return db.session.scalar(select(func.count()).select_from(SerialUnit).where(
        SerialUnit.item_id == item_id, SerialUnit.serial_key == serial_key(serial)))


def _documents_naming(unit_id: int, doc_type: str) -> list[int]:
    return list(db.session.scalars(
        select(Transaction.id).distinct()
        .join(TransactionLine, TransactionLine.transaction_id == Transaction.id)
        .join(TransactionLineSerial, TransactionLineSerial.line_id == TransactionLine.id)
        .where(TransactionLineSerial.serial_unit_id == unit_id, Transaction.type == doc_type)))


def _history_types(unit_id: int) -> list[str]:
    return list(db.session.scalars(select(SerialHistory.transaction_type)
                                   .where(SerialHistory.serial_unit_id == unit_id).order_by(SerialHistory.id)))


def _quantity_on_hand(item_id: int) -> int:
    return db.session.scalar(select(Item.quantity_on_hand).where(Item.id == item_id))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _one_winner(responses, serial: str | None = None) -> tuple[int, object, object]:
    """(index of the winner, its response, the loser's response); the loser's 409 names ``serial``."""
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409], [(r.status_code, r.get_json()) for r in responses]
    winner = next(n for n, r in enumerate(responses) if r.status_code == 201)
    loser = responses[1 - winner]
    assert loser.mimetype == "application/problem+json"
    problem = loser.get_json()
    assert problem["status"] == 409
    if serial is not None:
        assert serial in problem["detail"], problem
        assert any(serial in error["message"] and error["field"] == "lines[0].serials"
                   for error in problem["errors"]), problem
    return winner, responses[winner], loser


# ---------------------------------------------------------------------------- shipping the same unit
def test_two_clerks_shipping_the_same_unit_exactly_one_wins(app, shop, race):
    serials = [f"CLK-{n:04d}" for n in range(1, ROUNDS + 1)]
    with app.app_context():
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": DATE, "location_id": shop.locations[0], "vendor_id": shop.vendor,
            "lines": [{"item_id": shop.item, "quantity": ROUNDS, "serials": serials}]}))
        db.session.remove()

    for serial in serials:
        with app.app_context():
            on_hand, documents = _quantity_on_hand(shop.item), _count(Transaction)
            db.session.remove()
        shipments = [{"type": "shipment", "date": DATE, "location_id": shop.locations[0], "customer_id": customer,
                      "lines": [{"item_id": shop.item, "quantity": 1, "serials": [serial]}]}
                     for customer in shop.customers]

        winner, won, lost = _one_winner(race.run(*shipments), serial)

        assert won.get_json()["lines"][0]["serials"] == [serial]
        assert "shipped to customer" in lost.get_json()["detail"]
        with app.app_context():
            unit = _unit(shop.item, serial)
            assert (unit.status, unit.location_id, unit.customer_id) == (SHIPPED, None, shop.customers[winner])
            assert _documents_naming(unit.id, "shipment") == [won.get_json()["id"]]
            assert _history_types(unit.id) == ["item_receipt", "shipment"]
            assert _quantity_on_hand(shop.item) == on_hand - 1
            assert _count(Transaction) == documents + 1
            db.session.remove()


# ---------------------------------------------------------------------------- receiving the same new serial
def test_two_clerks_receiving_the_same_new_serial_exactly_one_wins(app, shop, race):
    for n in range(1, ROUNDS + 1):
        serial = f"NEW-{n:04d}"
        with app.app_context():
            on_hand, documents = _quantity_on_hand(shop.item), _count(Transaction)
            db.session.remove()
        receipts = [{"type": "item_receipt", "date": DATE, "location_id": location, "vendor_id": shop.vendor,
                     "lines": [{"item_id": shop.item, "quantity": 1, "serials": [serial]}]}
                    for location in shop.locations]

        winner, won, lost = _one_winner(race.run(*receipts), serial)

        assert won.get_json()["lines"][0]["serials"] == [serial]
        assert "already exists" in lost.get_json()["detail"]
        with app.app_context():
            assert _units_named(shop.item, serial) == 1
            unit = _unit(shop.item, serial)
            assert (unit.status, unit.location_id, unit.customer_id) == (IN_STOCK, shop.locations[winner], None)
            assert _documents_naming(unit.id, "item_receipt") == [won.get_json()["id"]]
            assert _history_types(unit.id) == ["item_receipt"]
            assert _quantity_on_hand(shop.item) == on_hand + 1
            assert _count(Transaction) == documents + 1
            db.session.remove()


# ---------------------------------------------------------------------------- auto-numbered receipts
PER_RECEIPT = 3


def _set_auto_numbering(app, **values) -> None:
    with app.app_context():
        settings = Settings.current(db.session)
        settings.auto_serial_enabled = True
        for name, value in values.items():
            setattr(settings, name, value)
        db.session.commit()
        db.session.remove()


def _auto_receipts(shop, item_id, quantity):
    return [{"type": "item_receipt", "date": DATE, "location_id": location, "vendor_id": shop.vendor,
             "lines": [{"item_id": item_id, "quantity": quantity, "auto_serials": True}]}
            for location in shop.locations]


def _serials_given(responses) -> list[str]:
    assert [r.status_code for r in responses] == [201, 201], [(r.status_code, r.get_json()) for r in responses]
    given = []
    for response in responses:
        given.extend(response.get_json()["lines"][0]["serials"])
    return given


def _stored_serials(item_id) -> list[str]:
    return list(db.session.scalars(select(SerialUnit.serial_number).where(SerialUnit.item_id == item_id)))


def test_two_auto_numbered_receipts_at_once_never_share_a_serial_sequential(app, shop, race):
    _set_auto_numbering(app, auto_serial_mode="sequential", auto_serial_prefix="AN-", auto_serial_length=6,
                        auto_serial_next_number=1)
    everything: list[str] = []
    for n in range(ROUNDS):
        given = _serials_given(race.run(*_auto_receipts(shop, shop.item, PER_RECEIPT)))

        start = 1 + n * 2 * PER_RECEIPT
        assert sorted(given) == [f"AN-{number:06d}" for number in range(start, start + 2 * PER_RECEIPT)]
        everything.extend(given)
        with app.app_context():
            stored = _stored_serials(shop.item)
            assert sorted(stored) == sorted(everything)
            assert Settings.current(db.session).auto_serial_next_number == start + 2 * PER_RECEIPT
            assert _quantity_on_hand(shop.item) == len(everything)
            db.session.remove()
    assert len(set(everything)) == len(everything) == ROUNDS * 2 * PER_RECEIPT


def test_two_auto_numbered_receipts_at_once_never_share_a_serial_random(app, shop, race):
    # Two digits: 100 numbers, and each round draws 2 x 20 of them for a fresh item, so two
    # receipts numbered without seeing each other would collide almost every round.
    _set_auto_numbering(app, auto_serial_mode="random", auto_serial_prefix="R-", auto_serial_length=2)
    quantity = 20
    with app.app_context():
        items = [Item(name=f"Random-numbered clock {n}", track_serials=True, cost=Decimal("10.00"))
                 for n in range(ROUNDS)]
        db.session.add_all(items)
        db.session.commit()
        item_ids = [item.id for item in items]
        db.session.remove()
    for item_id in item_ids:
        given = _serials_given(race.run(*_auto_receipts(shop, item_id, quantity)))

        assert len(given) == 2 * quantity
        assert len({serial_key(s) for s in given}) == 2 * quantity, sorted(given)
        assert all(len(s) == 4 and s.startswith("R-") and s[2:].isdigit() for s in given), given
        with app.app_context():
            assert sorted(_stored_serials(item_id)) == sorted(given)
            assert _quantity_on_hand(item_id) == 2 * quantity
            db.session.remove()


# ---------------------------------------------------------------------------- a void against a shipment
VOID_ROUNDS = 25


def test_a_void_and_a_shipment_of_the_same_unit_at_once_exactly_one_wins(app, shop, race):
    """Clerk 1 voids the receipt of a unit (it leaves stock) while clerk 2 ships that unit: one wins, the other
    gets a 409 that says why (the unit is adjusted out; or it moved since, by that shipment)."""
    wins = {"void": 0, "shipment": 0}
    for n in range(1, VOID_ROUNDS + 1):
        serial = f"VOID-{n:04d}"
        with app.app_context():
            receipt = post_transaction(db.session, read_document({
                "type": "item_receipt", "date": DATE, "location_id": shop.locations[0], "vendor_id": shop.vendor,
                "lines": [{"item_id": shop.item, "quantity": 1, "serials": [serial]}]})).id
            on_hand, documents = _quantity_on_hand(shop.item), _count(Transaction)
            db.session.remove()
        shipment = {"type": "shipment", "date": DATE, "location_id": shop.locations[0],
                    "customer_id": shop.customers[0],
                    "lines": [{"item_id": shop.item, "quantity": 1, "serials": [serial]}]}
        barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)

        def void():
            barrier.wait()
            return race.clients[0].post(f"/api/v1/transactions/{receipt}/void", json={"reason": "Typo"},
                                        headers=race.headers[0])

        def ship():
            barrier.wait()
            return race.clients[1].post("/api/v1/transactions", json=shipment, headers=race.headers[1])

        voided, shipped = [f.result(timeout=120) for f in (race.pool.submit(void), race.pool.submit(ship))]
        statuses = (voided.status_code, shipped.status_code)
        assert statuses in ((200, 409), (409, 201)), (voided.get_json(), shipped.get_json())
        loser = shipped if statuses == (200, 409) else voided
        assert loser.mimetype == "application/problem+json" and serial in loser.get_json()["detail"]
        with app.app_context():
            unit = _unit(shop.item, serial)
            if statuses == (200, 409):
                wins["void"] += 1
                assert "adjusted out" in shipped.get_json()["detail"]
                assert (unit.status, _history_types(unit.id)) == ("adjusted_out", ["item_receipt", "void"])
                assert (_quantity_on_hand(shop.item), _count(Transaction)) == (on_hand - 1, documents)
            else:
                wins["shipment"] += 1
                assert shipped.get_json()["number"] in voided.get_json()["detail"]
                assert (unit.status, _history_types(unit.id)) == (SHIPPED, ["item_receipt", "shipment"])
                assert db.session.get(Transaction, receipt).status == "posted"
                assert (_quantity_on_hand(shop.item), _count(Transaction)) == (on_hand - 1, documents + 1)
            db.session.remove()
    assert sum(wins.values()) == VOID_ROUNDS
