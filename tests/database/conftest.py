"""Fixtures of the database tests beyond the shared ones in tests/conftest.py."""
from __future__ import annotations

import pytest

from sos_serial.engine.invariants import find_problems
from sos_serial.extensions import db


@pytest.fixture
def books_checked(app):
    """After the test (its racing threads done), what `flask check` runs finds nothing wrong in the database."""
    yield
    with app.app_context():
        report = find_problems(db.session)
        db.session.remove()
    assert report.clean, [str(finding) for finding in report.findings]
