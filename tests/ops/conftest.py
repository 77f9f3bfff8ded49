"""Fixtures of the operations tests: the small company, and a clerk's API token to post with."""
from __future__ import annotations

import pytest

from sos_serial.extensions import db
from sos_serial.testing.api import ApiClient, issue_token
from tests.support.world import Company, make_company


@pytest.fixture
def world(app) -> Company:
    with app.app_context():
        made = make_company(db.session, with_clerk=False)
        db.session.remove()
    return made


@pytest.fixture
def clerk(app, client) -> ApiClient:
    return ApiClient(client, issue_token(app, "clerk", "clerk"), "clerk")
