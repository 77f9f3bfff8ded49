"""The JSON lines on stderr: one per request and one per posting, sharing the request id the answer carries."""
from __future__ import annotations

import json
import logging

import pytest

from sos_serial.ops import logs


def lines_of(err: str) -> list[dict]:
    """The JSON lines among what was written to stderr (a warning of another library may sit between them)."""
    found = []
    for text in err.splitlines():
        if text.startswith("{"):
            found.append(json.loads(text))
    return found


def test_each_request_writes_one_json_line_naming_its_route_status_user_and_request_id(clerk, capsys):
    capsys.readouterr()
    answer = clerk.get("/items/987654")
    assert answer.status_code == 404
    (line,) = [line for line in lines_of(capsys.readouterr().err) if line.get("event") == "request"]
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/items/<int:item_id>"
    assert line["path"] == "/api/v1/items/987654"
    assert line["status"] == 404
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user"] == "clerk"
    assert line["request_id"] == answer.headers["X-Request-Id"]
    assert line["remote_addr"] == "127.0.0.1"
    assert line["level"] == "INFO" and line["logger"] == "sos_serial.requests"
    assert line["time"].endswith("+00:00")


def test_a_request_keeps_the_id_a_proxy_sent_and_an_anonymous_one_names_no_user(client, capsys):
    capsys.readouterr()
    answer = client.get("/healthz", headers={"X-Request-Id": "edge-4f1c2a9b"})
    (line,) = [line for line in lines_of(capsys.readouterr().err) if line.get("event") == "request"]
    assert answer.headers["X-Request-Id"] == line["request_id"] == "edge-4f1c2a9b"
    assert line["route"] == "/healthz" and line["status"] == 200 and line["user"] is None


def test_an_unknown_path_is_logged_without_a_route(client, capsys):
    capsys.readouterr()
    client.get("/no/such/page")
    (line,) = [line for line in lines_of(capsys.readouterr().err) if line.get("event") == "request"]
    assert line["route"] is None and line["path"] == "/no/such/page" and line["status"] == 404


def test_a_posting_writes_a_line_naming_the_document_its_size_and_the_request(clerk, world, capsys):
    capsys.readouterr()
    answer = clerk.post("/transactions", json={
        "type": "item_receipt", "date": "2026-01-05", "location_id": world.main,
        "lines": [{"item_id": world.clock, "quantity": 3, "serials": ["LOG-1", "LOG-2", "LOG-3"]},
                  {"item_id": world.oil, "quantity": 5}]})
    assert answer.status_code == 201, answer.text
    document = answer.get_json()
    written = lines_of(capsys.readouterr().err)
    (posting,) = [line for line in written if line.get("event") == "posting"]
    assert posting["logger"] == "sos_serial.engine.posting"
    assert posting["document_id"] == document["id"]
    assert posting["number"] == document["number"]
    assert posting["type"] == "item_receipt"
    assert posting["lines"] == 2
    assert posting["quantity"] == 8
    assert posting["units_moved"] == 3
    assert posting["user"] == "clerk"
    assert isinstance(posting["duration_ms"], float)
    # The posting's line and its request's share the id the answer carries.
    (request_line,) = [line for line in written if line.get("event") == "request"]
    assert posting["request_id"] == request_line["request_id"] == answer.headers["X-Request-Id"]
    assert request_line["status"] == 201


def test_a_refused_posting_writes_no_posting_line(clerk, world, capsys):
    capsys.readouterr()
    answer = clerk.post("/transactions", json={
        "type": "shipment", "date": "2026-01-05", "location_id": world.main, "customer_id": world.acme,
        "lines": [{"item_id": world.clock, "quantity": 1, "serials": ["NEVER-RECEIVED"]}]})
    assert answer.status_code in (409, 422)
    written = lines_of(capsys.readouterr().err)
    assert [line for line in written if line.get("event") == "posting"] == []
    assert [line["status"] for line in written if line.get("event") == "request"] == [answer.status_code]


def _record(**extra) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "sos_serial.test", "levelname": "WARNING", "levelno": 30,
                                    "msg": "Unit %s moved", "args": ("SN-1",), **extra})
    logs.RequestIdFilter().filter(record)
    return record


def test_the_text_format_is_one_readable_line_and_json_carries_extra_fields():
    assert logs.formatter("text").format(_record()).endswith("WARNING sos_serial.test [] Unit SN-1 moved")
    line = json.loads(logs.formatter("json").format(_record(plugin="acme", fields={"units": 2})))
    assert line["message"] == "Unit SN-1 moved"
    assert line["plugin"] == "acme" and line["units"] == 2 and line["request_id"] is None


def test_an_unknown_log_format_stops_the_app_naming_the_setting():
    with pytest.raises(RuntimeError, match="SOS_SERIAL_LOG_FORMAT must be one of json, text"):
        logs.formatter("xml")
