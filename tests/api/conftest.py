"""Fixtures of the API tests: a signed-in client per role, and the small company of tests/support/world.py."""
from __future__ import annotations

import pytest

from sos_serial.extensions import db
from tests.support.api import ApiClient, issue_token
from tests.support.world import Company, make_company


@pytest.fixture
def tokens(app) -> dict[str, str]:
    """One user per role, named after it, and a token for each."""
    return {role: issue_token(app, role, role) for role in ("admin", "clerk", "support")}


@pytest.fixture
def api(client, tokens):
    def for_role(role: str | None) -> ApiClient:
        return ApiClient(client, tokens[role] if role else None, role)

    return for_role


@pytest.fixture
def admin(api) -> ApiClient:
    return api("admin")


@pytest.fixture
def clerk(api) -> ApiClient:
    return api("clerk")


@pytest.fixture
def support(api) -> ApiClient:
    return api("support")


@pytest.fixture
def anonymous(client) -> ApiClient:
    return ApiClient(client, None)


@pytest.fixture
def world(app) -> Company:
    """The small company, made directly in the database; its users are the ``tokens`` ones."""
    with app.app_context():
        made = make_company(db.session, with_clerk=False)
        db.session.remove()
    return made
