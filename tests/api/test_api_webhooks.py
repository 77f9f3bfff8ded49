"""The webhooks of API.md 1.1: registered by administrators, their deliveries listed and retried."""
import pytest
from sqlalchemy import func, select

from sos_serial.extensions import db
from sos_serial.models import EventDelivery
from tests.support.api import assert_problem, receive
from tests.support.receiver import Receiver

HOOK = {"url": "https://example.com/hooks/sos", "secret": "s3cret", "events": ["transaction.posted"]}


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def test_an_administrator_registers_a_webhook_and_never_reads_its_secret_back(admin):
    created = admin.ok("POST", "/webhooks", HOOK, status=201)
    assert created == {"id": created["id"], "url": HOOK["url"], "events": ["transaction.posted"], "active": True}
    listed = admin.ok("GET", "/webhooks")
    assert listed["items"] == [created] and listed["total"] == 1
    assert "s3cret" not in str(listed)


@pytest.mark.parametrize("body, field", [
    ({**HOOK, "url": "ftp://example.com/x"}, "url"),
    ({**HOOK, "url": "example.com"}, "url"),
    ({**HOOK, "secret": ""}, "secret"),
    ({**HOOK, "events": ["item.created"]}, "events[0]"),
    ({**HOOK, "events": []}, "events"),
    ({**HOOK, "colour": "red"}, "colour"),
])
def test_a_webhook_that_cannot_work_is_refused_naming_the_field(admin, body, field):
    problem = assert_problem(admin.post("/webhooks", body), 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert admin.ok("GET", "/webhooks")["total"] == 0


def test_only_administrators_register_webhooks(clerk, support):
    assert_problem(clerk.post("/webhooks", HOOK), 403)
    assert_problem(support.post("/webhooks", HOOK), 403)


def test_deliveries_are_listed_retried_and_go_with_their_webhook(app, admin, world, receiver):
    receiver.answers = [500]
    hook = admin.ok("POST", "/webhooks", {**HOOK, "url": receiver.url}, status=201)
    receive(admin, world.clock, ["W-1"], world.main)
    (failed,) = admin.ok("GET", f"/webhooks/{hook['id']}/deliveries")["items"]
    assert failed["status"] == "pending" and failed["attempts"] == 1 and failed["last_status_code"] == 500
    assert failed["event_type"] == "transaction.posted" and failed["last_attempt_at"]
    retried = admin.ok("POST", f"/webhooks/{hook['id']}/retry", status=202)
    assert retried == {"retried": 1, "delivered": 1, "failing": 0}
    (delivered,) = admin.ok("GET", f"/webhooks/{hook['id']}/deliveries")["items"]
    assert delivered["status"] == "delivered" and delivered["last_status_code"] == 200
    assert [body["id"] for body in receiver.bodies()] == [failed["event_id"]] * 2
    assert admin.request("DELETE", f"/webhooks/{hook['id']}").status_code == 204
    assert_problem(admin.get(f"/webhooks/{hook['id']}/deliveries"), 404)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventDelivery)) == 0
    assert_problem(admin.request("DELETE", f"/webhooks/{hook['id']}"), 404)
