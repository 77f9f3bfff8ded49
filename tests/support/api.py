"""Speaking to the JSON API as its clients do: a client with a bearer token, problem+json checks, posting over HTTP.

The fixtures that use these (``tokens``, ``api``, ``admin``, ``clerk``, ``support``,
``anonymous`` and the ``world`` of tests/support/world.py) are in tests/api/conftest.py.
Tokens are issued with ``ApiToken.issue``, as ``flask users token NAME`` does (one test in
test_api_auth.py goes through that very command).
"""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import ApiToken, SerialUnit, User
from tests.support.world import DATE, every_row, line

API = "/api/v1"
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}
_NO_BODY = object()


class ApiClient:
    """The Flask test client, speaking JSON to /api/v1 with one user's bearer token."""

    def __init__(self, client, token: str | None, role: str | None = None):
        self.client = client
        self.token = token
        self.role = role

    def request(self, method: str, path: str, json=_NO_BODY, *, data=None, headers=None, query_string=None):
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        kwargs = {"method": method, "headers": all_headers, "query_string": query_string}
        if json is not _NO_BODY:
            kwargs["json"] = json
        elif data is not None:
            kwargs["data"] = data
        return self.client.open(API + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=_NO_BODY, **kwargs):
        return self.request("POST", path, json, **kwargs)

    def patch(self, path, json=_NO_BODY, **kwargs):
        return self.request("PATCH", path, json, **kwargs)

    def ok(self, method: str, path: str, json=_NO_BODY, status: int = 200, **kwargs):
        """Send a request that must succeed with ``status``; return the JSON answer."""
        response = self.request(method, path, json, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.get_data(as_text=True))
        return response.get_json()


def _add_user(username: str, role: str) -> User:
    user = User(username=username, role=role)
    user.password_hash = "not-a-usable-hash"  # API tests never sign in with a password; hashing is slow
    db.session.add(user)
    return user


def issue_token(app, username: str, role: str | None = None) -> str:
    """A fresh API token for ``username``, creating the user first when ``role`` is given."""
    with app.app_context():
        user = _add_user(username, role) if role else db.session.scalars(
            select(User).filter_by(username=username)).one()
        record, token = ApiToken.issue(user)
        db.session.add(record)
        db.session.commit()
        db.session.remove()
    return token


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
