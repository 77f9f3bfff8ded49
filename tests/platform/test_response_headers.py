"""Security headers on every answer: screens, the API, static files and error pages, from sos_serial.security.headers."""
from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import InternalServerError

from tests.support.api import issue_token

EVERY_ANSWER = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_guarded(response) -> str:
    for name, value in EVERY_ANSWER.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    assert "Server" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["default-src"] == "'self'"
    # No script runs from markup: neither inline without the nonce nor eval.
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    return directives["script-src"]


def nonce_of(script_src: str) -> str | None:
    found = re.search(r"'nonce-([^']+)'", script_src)
    return found.group(1) if found else None


@pytest.fixture
def signed_in(login):
    return login("admin")


@pytest.mark.parametrize("path", [
    "/admin/", "/admin/serial_inventory/", "/admin/items/", "/admin/settings/", "/admin/item_receipts/new/",
    "/admin/webhooks/", "/admin/plugins/",
])
def test_every_screen_is_guarded_and_its_inline_scripts_carry_the_policys_nonce(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    nonce = nonce_of(assert_guarded(response))
    assert nonce
    html = response.text
    assert "<script" in html
    # Every inline script block (no src) is marked with this answer's nonce.
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" not in tag:
            assert f'nonce="{nonce}"' in tag, tag
    # Flask-Admin's click handlers are not inline any more: static/inline_handlers.js attaches them.
    assert not re.search(r"\son[a-z]+=", html)


def test_each_answer_has_a_nonce_of_its_own(signed_in):
    first = nonce_of(assert_guarded(signed_in.get("/admin/")))
    second = nonce_of(assert_guarded(signed_in.get("/admin/")))
    assert first and second and first != second


def test_the_sign_in_page_static_files_and_error_pages_are_guarded(client, login):
    login_page = client.get("/login")
    assert nonce_of(assert_guarded(login_page)) is None  # no inline script, so no nonce named
    assert_guarded(client.get("/ui/static/sos.css"))
    assert_guarded(client.get("/admin/static/vendor/jquery.min.js"))
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    assert_guarded(not_found)
    support = login("support")
    refused = support.get("/admin/settings/")
    assert refused.status_code == 403
    assert_guarded(refused)


def test_a_server_error_page_is_guarded(app):
    # A crash in a view ends in Flask's handle_exception, which finishes the answer like any other.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.test_request_context("/admin/"):
        try:
            raise RuntimeError("a crash in a view")
        except RuntimeError as crash:
            response = app.handle_exception(crash)
    assert response.status_code == InternalServerError.code
    assert_guarded(response)


def test_the_api_is_guarded(app, client):
    token = issue_token(app, "api-admin", "admin")
    answer = client.get("/api/v1/items", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert nonce_of(assert_guarded(answer)) is None
    refused = client.get("/api/v1/items")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert_guarded(refused)
    assert_guarded(client.get("/api/v1/openapi.json"))
