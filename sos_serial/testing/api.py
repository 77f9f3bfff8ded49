"""Speaking to /api/v1 as its clients do in tests: the Flask test client with one user's bearer token."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import ApiToken, User

API = "/api/v1"
_NO_BODY = object()


class ApiClient:
    """The Flask test client, speaking JSON to /api/v1 with one user's bearer token.

    With ``own_context`` each request runs in an app context of its own, as a real client's does:
    a request made while the test holds the app's context open would otherwise share the test's
    session, and with it the test's transaction and what that transaction has not yet seen.
    """

    def __init__(self, client, token: str | None, role: str | None = None, *, own_context: bool = False):
        self.client = client
        self.token = token
        self.role = role
        self.own_context = own_context

    def request(self, method: str, path: str, json=_NO_BODY, *, data=None, headers=None, query_string=None):
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        kwargs = {"method": method, "headers": all_headers, "query_string": query_string}
        if json is not _NO_BODY:
            kwargs["json"] = json
        elif data is not None:
            kwargs["data"] = data
        if self.own_context:
            with self.client.application.app_context():
                return self.client.open(API + path, **kwargs)
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


def issue_token(app, username: str, role: str | None = None) -> str:
    """A fresh API token for ``username``, creating the user first when ``role`` is given."""
    with app.app_context():
        if role:
            user = User(username=username, role=role)
            user.password_hash = "not-a-usable-hash"  # API users never sign in with a password; hashing is slow
            db.session.add(user)
        else:
            user = db.session.scalars(select(User).filter_by(username=username)).one()
        record, token = ApiToken.issue(user)
        db.session.add(record)
        db.session.commit()
        db.session.remove()
    return token
