"""Lines and serials per document on the Settings screen: empty keeps the server's default (the config's
SOS_SERIAL_MAX_..._PER_DOCUMENT); a number set there is the company's limit, for the API and the screens."""
from __future__ import annotations

import pytest

from sos_serial.extensions import db
from sos_serial.limits import LINES_PER_DOCUMENT, SERIALS_PER_DOCUMENT
from sos_serial.models import Settings
from tests.support.api import ApiClient, assert_problem, issue_token, post_doc, snapshot
from tests.support.web import csrf_token_from, read_version_from
from tests.support.world import DATE, make_company

SETTINGS = "/admin/settings/"
FORM = {"plan": "pro", "value_serials_by_specific_id": "y", "valuation_method": "fifo", "auto_serial_prefix": "",
        "auto_serial_length": "6", "auto_serial_mode": "sequential", "auto_serial_next_number": "1",
        "show_warranty_on_serial_units": "y"}


@pytest.fixture
def company(app):
    with app.app_context():
        made = make_company(db.session, with_clerk=False)
        db.session.remove()
    return made


def save_settings(client, **limits):
    page = client.get(SETTINGS).text
    return client.post(SETTINGS, data={**FORM, **limits, "csrf_token": csrf_token_from(page),
                                       **read_version_from(page)}, follow_redirects=True)


def stored_limits(app) -> tuple:
    with app.app_context():
        settings = Settings.current(db.session)
        try:
            return settings.max_lines_per_document, settings.max_serials_per_document
        finally:
            db.session.remove()


def test_the_screen_shows_the_limits_with_the_servers_defaults(app, login):
    page = login("admin").get(SETTINGS).text
    assert "Document limits" in page and "Lines per document" in page and "Serial numbers per document" in page
    assert f"the server&#39;s default, {LINES_PER_DOCUMENT:,}" in page
    assert f"the server&#39;s default, {SERIALS_PER_DOCUMENT:,}" in page


def test_limits_set_on_the_screen_bind_every_posting_and_empty_restores_the_default(app, login, company):
    client = login("admin")
    assert "Settings saved." in save_settings(client, max_lines_per_document="2",
                                              max_serials_per_document="3").text
    assert stored_limits(app) == (2, 3)
    clerk = ApiClient(app.test_client(), issue_token(app, "api-clerk", "clerk"))
    before = snapshot(app)
    three_lines = {"type": "item_receipt", "date": DATE, "location_id": company.main,
                   "lines": [{"item_id": company.oil, "quantity": 1}] * 3}
    body = assert_problem(clerk.post("/transactions", three_lines), 422, "lines")
    assert "has 3 lines; at most 2 fit" in body["detail"]
    four_serials = {"type": "item_receipt", "date": DATE, "location_id": company.main,
                    "lines": [{"item_id": company.clock, "quantity": 4, "serials": ["L-1", "L-2", "L-3", "L-4"]}]}
    body = assert_problem(clerk.post("/transactions", four_serials), 422, "lines")
    assert "carries 4 serial numbers; at most 3 fit" in body["detail"]
    assert snapshot(app) == before

    assert "Settings saved." in save_settings(client, max_lines_per_document="",
                                              max_serials_per_document="").text
    assert stored_limits(app) == (None, None)
    post_doc(clerk, **{k: v for k, v in three_lines.items()})
    post_doc(clerk, **{k: v for k, v in four_serials.items()})


@pytest.mark.parametrize("field", ["max_lines_per_document", "max_serials_per_document"])
@pytest.mark.parametrize("value", ["0", "-5", str(2**31)])
def test_a_limit_below_one_or_past_the_largest_number_is_refused_on_the_field(app, login, field, value):
    page = save_settings(login("admin"), **{field: value}).text
    assert "at least 1, or leave it empty" in page and "Settings saved." not in page
    assert stored_limits(app) == (None, None)


def test_a_clerk_cannot_change_the_limits(app, login):
    client = login("clerk")
    answer = client.post(SETTINGS, data={**FORM, "max_lines_per_document": "1",
                                         "csrf_token": csrf_token_from(client.get("/admin/").text)})
    assert answer.status_code in (302, 403)
    assert stored_limits(app) == (None, None)
