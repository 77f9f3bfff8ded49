"""The webhook receiver: a webhook registered through the API, its deliveries signed and checked."""
import hashlib
import hmac
import threading
import time

import pytest
from sos_serial_acme.webhook_receiver import make_server, signature_is_valid

SECRET = "a secret shared with sos-serial only"


@pytest.fixture
def receiver():
    events = []
    server = make_server(0, SECRET, on_event=events.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/events", events
    server.shutdown()
    server.server_close()


def test_a_registered_webhook_hears_of_a_posting_and_its_signature_holds(sos_api, sos_make, receiver):
    url, events = receiver
    sos_api("admin").ok("POST", "/webhooks", {"url": url, "secret": SECRET, "events": ["transaction.posted"]},
                        status=201)
    clock, main = sos_make.item("Wall Clock"), sos_make.location("Main Warehouse")
    posted = sos_api("clerk").ok("POST", "/transactions", {
        "type": "item_receipt", "date": "2026-01-05", "location_id": main.id,
        "lines": [{"item_id": clock.id, "quantity": 1, "serials": ["W-1"]}]}, status=201)
    deadline = time.monotonic() + 10
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [e["data"]["transaction"]["id"] for e in events] == [posted["id"]]
    assert events[0]["type"] == "transaction.posted"
    assert events[0]["data"]["units"][0]["serial_number"] == "W-1"


def test_a_body_changed_on_the_way_or_signed_with_another_secret_is_refused():
    body = b'{"id": "1"}'
    signed = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature_is_valid(body, signed, SECRET)
    assert not signature_is_valid(b'{"id": "2"}', signed, SECRET)
    assert not signature_is_valid(body, signed, "another secret")
    assert not signature_is_valid(body, None, SECRET)
