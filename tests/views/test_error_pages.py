"""The screens' error pages: inside the admin layout (the menu, a way back, the request id), never a bare word."""
from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import Conflict, InternalServerError, ServiceUnavailable, UnprocessableEntity

from sos_serial.views.error_pages import error_page


def assert_in_layout(response, code: int, title: str) -> str:
    text = response.text
    assert response.status_code == code, text[:500]
    assert "text/html" in response.content_type
    assert 'class="navbar' in text and "SOS Serial" in text
    assert f'data-error-code="{code}"' in text and title in text
    assert "data-home" in text
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{24}", request_id)
    assert f"<code data-request-id>{request_id}</code>" in text
    assert "Traceback" not in text
    return text


def test_a_clerk_opening_settings_gets_a_page_in_the_layout_with_the_menu(login):
    client = login("clerk")
    text = assert_in_layout(client.get("/admin/settings/", headers={"Referer": "http://localhost/admin/items/"}),
                            403, "Not allowed")
    assert "Items" in text  # the clerk's menu is there
    assert 'href="/admin/items/" data-back' in text


def test_a_missing_document_and_an_unknown_address_are_404_pages(login):
    client = login("clerk")
    assert_in_layout(client.get("/admin/transactions/details/?id=987654"), 404, "Not found")
    assert_in_layout(client.get("/admin/no-such-screen/"), 404, "Not found")
    assert_in_layout(client.get("/nowhere"), 404, "Not found")


def test_a_way_back_never_points_at_another_site(login):
    client = login("clerk")
    text = assert_in_layout(client.get("/admin/no-such-screen/", headers={"Referer": "https://evil.example/x"}),
                            404, "Not found")
    assert "evil.example" not in text


def test_a_wrong_method_is_a_405_page(login):
    client = login("clerk")
    response = client.delete("/admin/items/")
    assert_in_layout(response, 405, "Not allowed here")


def test_the_api_keeps_problem_json_for_its_unknown_paths(client):
    response = client.get("/api/v1/no-such-route")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("exc, code, title", [
    (Conflict(), 409, "Changed meanwhile"), (UnprocessableEntity(), 422, "Not accepted"),
    (ServiceUnavailable(), 503, "Busy"), (InternalServerError(), 500, "Something went wrong")])
def test_every_code_has_its_page_in_the_layout(app, exc, code, title):
    with app.test_request_context("/admin/"):
        response = app.make_response(error_page(exc))
        response = app.process_response(response)
    assert_in_layout(_Answer(response), code, title)


def test_an_unexpected_error_of_a_screen_is_a_500_page(app, login, monkeypatch):
    from sos_serial.views.item import ItemView

    client = login("clerk")
    # As in production: an exception no handler takes is answered, not raised into the test client.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def broken(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ItemView, "get_list", broken)
    text = assert_in_layout(client.get("/admin/items/"), 500, "Something went wrong")
    assert "boom" not in text and "RuntimeError" not in text


def test_a_rules_refusal_no_screen_caught_is_its_page_in_its_words(app):
    from sos_serial.errors import Conflict as RuleConflict
    from sos_serial.errors import NotFound as RuleNotFound

    for refusal, code in ((RuleConflict("Serial CLK-1 of Armenian Mantel Clock moved since."), 409),
                          (RuleNotFound("There is no serial unit with id 7."), 404)):
        with app.test_request_context("/admin/"):
            response = app.process_response(app.make_response(app.handle_user_exception(refusal)))
        text = assert_in_layout(_Answer(response), code, {409: "Changed meanwhile", 404: "Not found"}[code])
        assert refusal.message in text


class _Answer:
    """A response made in a request context, read as the test client's."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.content_type = response.content_type
        self.headers = response.headers
        self.text = response.get_data(as_text=True)
