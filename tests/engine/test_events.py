"""Events are not lost: written with their posting, delivered to every subscriber at least once.

Receivers are real HTTP servers on 127.0.0.1; the worker is the real `flask --app sos_serial events run`.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from sos_serial.engine.event_delivery import MAX_ATTEMPTS, retry, retry_delay
from sos_serial.engine.events import event_body
from sos_serial.engine.posting import void_transaction
from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Event, EventDelivery, Webhook
from sos_serial.models._columns import utcnow
from tests.support.receiver import Receiver
from tests.support.world import line, make_company, post, receive


@pytest.fixture
def receivers():
    made = []

    def make(answers=()):
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


class Listener:
    """A plugin told of each posting; raises what it is armed with."""

    def __init__(self):
        self.heard = []
        self.fail = None

    @hookimpl
    def transaction_posted(self, document, units, event_id):
        if self.fail:
            raise self.fail
        self.heard.append((event_id, document.number, [u["serial_number"] for u in units]))


@pytest.fixture
def listener():
    return Listener()


@pytest.fixture
def co(app_config, stock_free_app_factory, listener):
    app = stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [listener]})
    with app.app_context():
        company = make_company(db.session)
        company.app = app
        yield company


def webhook(url, secret="s3cret", active=True) -> int:
    hook = Webhook(url=url, secret=secret, events=["transaction.posted"], active=active)
    db.session.add(hook)
    db.session.commit()
    return hook.id


def deliveries(**where) -> list[SimpleNamespace]:
    """The deliveries as they are now, read in a transaction of their own that holds no lock afterwards."""
    db.session.expire_all()
    rows = db.session.scalars(select(EventDelivery).filter_by(**where).order_by(EventDelivery.id)).all()
    found = [SimpleNamespace(**{c.key: getattr(row, c.key) for c in EventDelivery.__table__.columns}) for row in rows]
    db.session.rollback()
    return found


def make_due():
    db.session.execute(update(EventDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_a_posting_writes_its_event_and_one_delivery_per_subscriber(co, receivers, listener):
    active = webhook(receivers().url)
    webhook("http://127.0.0.1:9/never", active=False)
    document = receive(co.clock, ["CLK-1", "CLK-2"], co.main)
    (event,) = db.session.scalars(select(Event)).all()
    assert event.type == "transaction.posted" and event.transaction_id == document.id
    assert {d.subscriber for d in deliveries(event_id=event.id)} == {
        f"webhook:{active}", f"plugin:{co.app.extensions['sos_serial.plugins'].get_name(listener)}"}
    assert all(d.status == "delivered" and d.attempts == 1 for d in deliveries())
    assert listener.heard == [(event.id, document.number, ["CLK-1", "CLK-2"])]


def test_a_refused_posting_writes_no_event(co, receivers):
    webhook(receivers().url)
    with pytest.raises(Conflict):
        post(type="shipment", location_id=co.main, customer_id=co.acme,
             lines=[line(co.clock, 1, serials=["NOT-THERE"])])
    assert db.session.scalars(select(Event)).all() == [] and deliveries() == []


def test_a_webhook_gets_the_signed_payload_with_each_unit_from_and_to(co, receivers):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main)
    receiver = receivers()
    hook_id = webhook(receiver.url, secret="top-secret")
    shipment = post(type="shipment", location_id=co.main, customer_id=co.acme,
                    lines=[line(co.clock, 1, serials=["CLK-2"])])
    ((headers, raw),) = receiver.received
    expected = "sha256=" + hmac.new(b"top-secret", raw, hashlib.sha256).hexdigest()
    assert headers["X-Sos-Signature"] == expected and headers["Content-Type"] == "application/json"
    body = json.loads(raw)
    assert body["type"] == "transaction.posted" and body["id"] == deliveries(webhook_id=hook_id)[0].event_id
    assert body["created_at"].startswith(str(utcnow().year))
    assert body["data"]["transaction"] == {"id": shipment.id, "number": shipment.number, "type": "shipment",
                                           "date": "2026-01-05"}
    assert body["data"]["units"] == [{
        "serial_number": "CLK-2", "item_id": co.clock,
        "from": {"location_id": co.main, "customer_id": None, "status": "in_stock"},
        "to": {"location_id": None, "customer_id": co.acme, "status": "shipped"}}]


def test_a_failing_receiver_is_retried_with_backoff_and_delays_no_other(co, receivers, runner_for):
    failing, healthy = receivers(answers=[500]), receivers()
    failing_id, healthy_id = webhook(failing.url), webhook(healthy.url)
    receive(co.clock, ["CLK-1"], co.main)
    (late,) = deliveries(webhook_id=failing_id)
    assert deliveries(webhook_id=healthy_id)[0].status == "delivered"
    assert (late.status, late.attempts, late.last_status_code) == ("pending", 1, 500)
    assert "500" in late.last_error
    waited = late.next_attempt_at.replace(tzinfo=None) - late.last_attempt_at.replace(tzinfo=None)
    assert waited == retry_delay(1)
    # Not due yet: the worker leaves it alone.
    assert runner_for(co.app).invoke(args=["events", "run", "--once"]).exit_code == 0
    assert len(failing.received) == 1
    make_due()
    result = runner_for(co.app).invoke(args=["events", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert deliveries(webhook_id=failing_id)[0].status == "delivered"
    first, second = failing.bodies()
    assert first == second  # the same event, delivered again: receivers recognise it by its id
    assert len(healthy.received) == 1


def test_a_receiver_that_keeps_failing_is_given_up_and_an_administrator_can_retry_it(co, receivers, runner_for):
    failing = receivers(answers=[503] * (MAX_ATTEMPTS + 1))
    hook_id = webhook(failing.url)
    receive(co.clock, ["CLK-1"], co.main)
    for _ in range(MAX_ATTEMPTS - 1):
        make_due()
        runner_for(co.app).invoke(args=["events", "run", "--once"])
    (gave_up,) = deliveries(webhook_id=hook_id)
    assert (gave_up.status, gave_up.attempts) == ("failed", MAX_ATTEMPTS)
    failing.answers.clear()
    assert retry(db.session, webhook_id=hook_id) == 1
    runner_for(co.app).invoke(args=["events", "run", "--once"])
    assert deliveries(webhook_id=hook_id)[0].status == "delivered"


def test_a_failing_plugin_is_retried_on_its_own_and_the_posting_stands(co, receivers, listener, runner_for):
    receiver = receivers()
    webhook(receiver.url)
    listener.fail = RuntimeError("mail server down")
    document = receive(co.clock, ["CLK-1"], co.main)
    assert document.number.startswith("IR-")
    plugin_delivery = next(d for d in deliveries() if d.subscriber.startswith("plugin:"))
    assert plugin_delivery.status == "pending" and "mail server down" in plugin_delivery.last_error
    assert len(receiver.received) == 1  # the webhook did not wait for the plugin
    listener.fail = None
    make_due()
    runner_for(co.app).invoke(args=["events", "run", "--once"])
    assert [number for _, number, _ in listener.heard] == [document.number]
    assert all(d.status == "delivered" for d in deliveries())


@pytest.fixture
def runner_for():
    return lambda app: app.test_cli_runner()


def _worker(app, *args) -> subprocess.Popen:
    env = {**os.environ, "SOS_SERIAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SOS_SERIAL_SECRET_KEY": "test-secret"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "sos_serial", "events", "run", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(condition, seconds=60, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_worker_killed_mid_delivery_leaves_it_to_the_next_worker(co, receivers):
    receiver = receivers(answers=[500])
    hook_id = webhook(receiver.url)
    receive(co.clock, ["CLK-1"], co.main)  # the attempt right after the posting fails: left to the worker
    receiver.received.clear()
    receiver.arrived.clear()
    receiver.hold.clear()  # the next request hangs until the test lets it go
    make_due()
    worker = _worker(co.app, "--lease", "2", "--timeout", "1", "--interval", "0.2")
    try:
        assert receiver.arrived.wait(60), "the worker never called the receiver"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=10)
    (claimed,) = deliveries(webhook_id=hook_id)
    assert claimed.status == "pending"  # killed before it could record anything
    receiver.hold.set()
    time.sleep(2.2)  # the dead worker's lease runs out
    again = _worker(co.app, "--once", "--timeout", "5")
    output, _ = again.communicate(timeout=60)
    assert again.returncode == 0, output
    assert deliveries(webhook_id=hook_id)[0].status == "delivered"
    assert len({body["id"] for body in receiver.bodies()}) == 1 and len(receiver.received) == 2


def test_two_workers_never_deliver_one_delivery_at_the_same_time(co, receivers):
    receiver = receivers(answers=[500] * 5)
    webhook(receiver.url)
    for n in range(5):
        receive(co.clock, [f"CLK-{n}"], co.main)
    receiver.answers[:] = []
    receiver.received.clear()
    make_due()
    workers = [_worker(co.app, "--once", "--timeout", "10") for _ in range(2)]
    outputs = [w.communicate(timeout=60)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert all(d.status == "delivered" for d in deliveries())
    ids = [body["id"] for body in receiver.bodies()]
    assert len(ids) == 5 and len(set(ids)) == 5


@pytest.mark.postgresql_only
def test_every_event_reaches_its_webhook_across_a_database_restart(receivers):
    import flask_migrate
    from sqlalchemy import create_engine, text

    from sos_serial import create_app
    from tests.support import postgres_server

    directory, admin_url = postgres_server.start()
    app = worker = None
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "restart"'))
        admin.dispose()
        app = create_app({"SQLALCHEMY_DATABASE_URI": admin_url.rsplit("/", 1)[0] + "/restart",
                          "SECRET_KEY": "test-secret"})
        receiver = receivers(answers=[503] * 3)
        with app.app_context():
            flask_migrate.upgrade()
            company = make_company(db.session)
            webhook(receiver.url)
            for n in range(3):
                receive(company.clock, [f"CLK-{n}"], company.main)
            events = set(db.session.scalars(select(Event.id)))
            make_due()
            receiver.received.clear()
            receiver.arrived.clear()
            receiver.hold.clear()
            worker = _worker(app, "--interval", "0.2", "--timeout", "2", "--lease", "3")
            assert receiver.arrived.wait(60), "the worker never called the receiver"
            postgres_server.restart(directory)  # while the worker waits on the receiver
            receiver.hold.set()
            _wait_for(lambda: all(d.status == "delivered" for d in deliveries()), 90, "every delivery")
            assert worker.poll() is None, "the worker stopped with the database"
        assert {body["id"] for body in receiver.bodies()} == events
    finally:
        if worker is not None:
            worker.terminate()
            worker.communicate(timeout=20)
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        postgres_server.stop(directory)


# ---------------------------------------------------------------------------- voids
def test_a_void_is_sent_as_transaction_voided_to_the_webhooks_that_asked_and_to_no_plugin(co, receivers, listener):
    receive(co.clock, ["CLK-1", "CLK-2"], co.main)
    shipment = post(type="shipment", location_id=co.main, customer_id=co.acme,
                    lines=[line(co.clock, 1, serials=["CLK-2"])])
    posted_only, both = receivers(), receivers()
    webhook(posted_only.url)
    hook = Webhook(url=both.url, secret="s3cret", events=["transaction.posted", "transaction.voided"], active=True)
    db.session.add(hook)
    db.session.commit()
    heard = list(listener.heard)
    void_transaction(db.session, shipment.id, "Wrong customer", co.user)
    assert posted_only.received == [] and listener.heard == heard
    ((_headers, raw),) = both.received
    body = json.loads(raw)
    assert body["type"] == "transaction.voided"
    assert body["data"]["transaction"] == {"id": shipment.id, "number": shipment.number, "type": "shipment",
                                           "date": "2026-01-05", "reason": "Wrong customer"}
    assert body["data"]["units"] == [{
        "serial_number": "CLK-2", "item_id": co.clock,
        "from": {"location_id": None, "customer_id": co.acme, "status": "shipped"},
        "to": {"location_id": co.main, "customer_id": None, "status": "in_stock"}}]
    # The posting's own event, delivered again now, still tells the shipment, not its void.
    posted = db.session.scalars(select(Event).where(Event.type == "transaction.posted",
                                                    Event.transaction_id == shipment.id)).one()
    assert event_body(db.session, posted)["data"]["units"][0]["to"]["status"] == "shipped"
