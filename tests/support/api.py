"""Speaking to the JSON API as its clients do: a client with a bearer token, problem+json checks, posting over HTTP.

The fixtures that use these (``tokens``, ``api``, ``admin``, ``clerk``, ``support``,
``anonymous`` and the ``world`` of tests/support/world.py) are in tests/api/conftest.py.
The client and ``issue_token`` are the testing kit's (sos_serial/testing/api.py), which plugin
authors use too. Tokens are issued with ``ApiToken.issue``, as ``flask users token NAME`` does (one
test in test_api_auth.py goes through that very command).
"""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import SerialUnit
from sos_serial.testing.api import API, ApiClient, issue_token
from tests.support.world import DATE, every_row, line

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


# ---------------------------------------------------------------------------- answers
def assert_problem(response, status: int, *fields: str) -> dict:
    """A problem+json answer with ``status`` whose ``errors`` name each of ``fields``; returns the body."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, text)
    assert response.mimetype == "application/problem+json", response.content_type
    body = response.get_json(force=True)
    assert isinstance(body, dict) and PROBLEM_KEYS <= set(body), body
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}, error
    named = [error["field"] for error in body["errors"]]
    for field in fields:
        assert field in named, (field, body)
    return body


def each_case(cases, check) -> None:
    """Run ``check(*case)`` for every case and report every case that failed, not only the first.

    Refusal tables run in one test (one app, one database) this way: each case leaves the
    database as it found it, which the checks themselves assert.
    """
    failures = []
    for case in cases:
        try:
            check(*case) if isinstance(case, tuple) else check(case)
        except AssertionError as exc:
            failures.append(f"{case!r:.300}: {str(exc):.1500}")
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


def problem_text(body: dict) -> str:
    """The detail and every error message of a problem, as one string to search."""
    return " ".join([body["detail"], *(f"{e['field']}: {e['message']}" for e in body["errors"])])


# ---------------------------------------------------------------------------- posting through the API
def post_doc(client: ApiClient, status: int = 201, **doc):
    """POST /transactions with ``date`` defaulting to 2026-01-05; with status=None return the response."""
    doc.setdefault("date", DATE)
    if status is None:
        return client.post("/transactions", doc)
    return client.ok("POST", "/transactions", doc, status=status)


def receive(client: ApiClient, item_id, serials, location_id, **fields) -> dict:
    return post_doc(client, type="item_receipt", location_id=location_id,
                    lines=[line(item_id, len(serials), serials=list(serials), **fields)])


def receive_plain(client: ApiClient, item_id, quantity, location_id, **fields) -> dict:
    return post_doc(client, type="item_receipt", location_id=location_id, lines=[line(item_id, quantity, **fields)])


def ship(client: ApiClient, item_id, serials, location_id, customer_id, date=DATE) -> dict:
    return post_doc(client, type="shipment", date=date, location_id=location_id, customer_id=customer_id,
                    lines=[line(item_id, len(serials), serials=list(serials))])


def find_unit(client: ApiClient, item_id, serial) -> dict:
    """The serial unit of ``item_id`` whose serial is ``serial`` (exactly one), through GET /serials."""
    page = client.ok("GET", "/serials", query_string={"item_id": item_id, "q": serial})
    found = [u for u in page["items"] if u["serial_number"].casefold() == serial.casefold()]
    assert len(found) == 1, page
    return found[0]


def set_settings(client: ApiClient, **groups) -> dict:
    """PATCH /settings as given (the client must be an admin's)."""
    return client.ok("PATCH", "/settings", groups)


# ---------------------------------------------------------------------------- the database, read directly
def snapshot(app) -> dict:
    """Every row of every table, so a refused request can be shown to have changed nothing."""
    with app.app_context():
        tables = every_row(db.session)
        db.session.remove()
    return tables


def row_counts(app) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(app).items()}


def unit_count(app) -> int:
    with app.app_context():
        count = len(db.session.scalars(select(SerialUnit.id)).all())
        db.session.remove()
    return count


__all__ = [
    "API", "ApiClient", "DATE", "assert_problem", "each_case", "find_unit", "issue_token", "line", "post_doc",
    "problem_text", "receive", "receive_plain", "row_counts", "set_settings", "ship", "snapshot", "unit_count",
]
