"""Request size: a body larger than MAX_CONTENT_LENGTH is refused with 413 problem+json before it is read."""
from __future__ import annotations

import json

from sos_serial.limits import REQUEST_MAX_BYTES, SERIAL_MAX_LENGTH, SERIALS_PER_DOCUMENT
from tests.support.api import assert_problem, post_doc, snapshot
from tests.support.world import DATE


def receipt(world, serials, **fields) -> dict:
    return {"type": "item_receipt", "date": DATE, "location_id": world.main,
            "lines": [{"item_id": world.clock, "quantity": len(serials), "serials": serials}], **fields}


def test_a_body_past_the_limit_is_refused_with_413_and_nothing_is_written(app, admin, world):
    app.config["MAX_CONTENT_LENGTH"] = 20_000
    before = snapshot(app)
    answer = admin.post("/transactions", receipt(world, ["BIG-1"], memo="x" * 50_000))
    body = assert_problem(answer, 413)
    assert "larger than this server takes" in body["detail"] and "nothing was read or saved" in body["detail"]
    assert snapshot(app) == before
    # Under the limit the same document posts.
    post_doc(admin, type="item_receipt", location_id=world.main,
             lines=[{"item_id": world.clock, "quantity": 1, "serials": ["BIG-1"]}], memo="x" * 1_000)


def test_the_default_limit_takes_the_largest_document_a_distributor_may_post(app):
    assert app.config["MAX_CONTENT_LENGTH"] == REQUEST_MAX_BYTES
    assert app.config["MAX_FORM_MEMORY_SIZE"] == REQUEST_MAX_BYTES

    class World:
        main, clock = 2**31 - 1, 2**31 - 1

    largest = receipt(World, [f"SN-{n:0{SERIAL_MAX_LENGTH - 3}d}" for n in range(SERIALS_PER_DOCUMENT)],
                      memo="m" * 10_000)
    assert len(json.dumps(largest).encode()) < REQUEST_MAX_BYTES


def test_a_100000_serial_receipt_passes_the_size_check_at_the_default_limit(app, admin, world):
    # 100,000 serials of the longest allowed length: 6.5 MB of JSON. It reaches the posting, which
    # refuses it for its own reason (an unknown location), so no 100,000 units are written here.
    serials = [f"SN-{n:0{SERIAL_MAX_LENGTH - 3}d}" for n in range(100_000)]
    document = receipt(world, serials)
    document["location_id"] = 2**31 - 2
    assert len(json.dumps(document)) > 6_000_000
    answer = admin.post("/transactions", document)
    assert answer.status_code != 413, answer.text
    assert answer.status_code in (404, 422), answer.text
    assert "location" in answer.text.lower(), answer.text
