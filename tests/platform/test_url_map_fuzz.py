"""Every route of the URL map, given hostile path and query values: a 4xx or a sensible page, never a 500.

The routes come from ``app.url_map`` (screens, API, plugin blueprints), so a new route is swept without
editing this file. The query parameters tried on a route are the ones it reads: a first plain request
records every name the route looks up in ``request.args`` (plus Flask-Admin's filter arguments of the
view, which it finds by walking the arguments rather than by name); each is then sent alone with every
hostile value.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from sos_serial.extensions import db
from sos_serial.models import ApiToken, Customer, Item, User
from tests.support import screens_plugin
from tests.support.web import PASSWORD, csrf_token_from
from tests.support.world import make_company

HOSTILE = ["99999999999999999999", "-1", "²", "٣", "", "\x00", "a\r\nb"]
# Names every route gets besides those it was seen reading: Flask-Admin's list arguments, the
# redirect targets, and ids the screens take.
ALWAYS = ["page", "page_size", "sort", "desc", "search", "id", "url", "next"]
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
SKIPPED_ENDPOINTS = {"auth.logout"}


class RecordingArgs(ImmutableMultiDict):
    """``request.args`` that notes every name a route looks up, present or not."""

    seen: set[str] = set()

    def _note(self, key):
        if isinstance(key, str):
            RecordingArgs.seen.add(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


def get_routes(app):
    """(endpoint, rule text) of every route answering GET, static files aside."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        routes.append((rule.endpoint, rule.rule))
    return sorted(set(routes))


def fill(rule_text, value):
    """The rule with every path parameter set to ``value`` (already quoted for a URL)."""
    return PARAMETER.sub(lambda m: value, rule_text)


def admin_view(app, endpoint):
    """The Flask-Admin view serving ``endpoint``, if one does."""
    view_endpoint = endpoint.split(".", 1)[0]
    for admin in app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == view_endpoint:
                return view
    return None


def filter_args(app, endpoint):
    """Flask-Admin's filter arguments (``flt0_<key>``) of the model view behind ``endpoint``'s list."""
    view = admin_view(app, endpoint)
    if view is None or not endpoint.endswith(".index_view") or not getattr(view, "_filter_args", None):
        return []
    return [f"flt{i}_{key}" for i, key in enumerate(view._filter_args)]


def code_behind(app, endpoint):
    """What answers ``endpoint``: a screen's class and method (eleven document screens share one), else the route."""
    view = admin_view(app, endpoint)
    return (type(view), endpoint.split(".", 1)[1]) if view is not None else endpoint


@pytest.fixture
def signed_in(app, client, make_user):
    with app.app_context():
        make_company(db.session, with_clerk=False)
        db.session.commit()
        db.session.remove()
    make_user("admin")
    page = client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(username="admin").one()
        record, token = ApiToken.issue(user)
        db.session.add(record)
        db.session.commit()
        db.session.remove()
    return {"Authorization": f"Bearer {token}"}


def sweep(app, client, headers=None, *, one_by_one=True, only=None):
    """Every GET route with each hostile value in its path, then in all its query names at once and (the names
    it was seen reading, once per class and method behind it) one at a time.

    Returns {(endpoint, where, what went wrong): an example (URL, query)}."""
    failures = {}

    def get(endpoint, url, query=None):
        try:
            response = client.get(url, query_string=query or {}, headers=headers or {})
            problem = response.status_code if response.status_code >= 500 else None
        except Exception as error:  # the test client re-raises a 500's cause; note it, go on
            problem = f"{type(error).__name__}: {str(error)[:160]}"
        if problem is not None and len(query or {}) > 1:
            for name, value in query.items():  # which of them?
                get(endpoint, url, {name: value})
        elif problem is not None:
            where = next(iter(query or {}), "path")
            failures.setdefault((endpoint, where, problem), (url, query))
        return problem

    swept = set()
    app.request_class, saved = RecordingRequest, app.request_class
    try:
        for endpoint, rule_text in get_routes(app):
            if endpoint == "static" or endpoint.endswith(".static") or (only is not None and endpoint not in only):
                continue
            plain = fill(rule_text, "1")
            RecordingArgs.seen = set()
            get(endpoint, plain)
            seen = {name for name in RecordingArgs.seen if not name.startswith("flt")}
            names = seen | set(ALWAYS) | set(filter_args(app, endpoint))
            # Each argument alone once per piece of code: the routes one class serves read them alike.
            alone = one_by_one and code_behind(app, endpoint) not in swept
            swept.add(code_behind(app, endpoint))
            for value in HOSTILE:
                if PARAMETER.search(rule_text):
                    get(endpoint, fill(rule_text, quote(value, safe="")))
                get(endpoint, plain, {name: value for name in sorted(names)})
                if alone:
                    for name in sorted(seen):
                        get(endpoint, plain, {name: value})
    finally:
        app.request_class = saved
    return failures


def report(failures):
    return "\n".join(f"{endpoint} {where}: {problem}  e.g. {example}"
                     for (endpoint, where, problem), example in sorted(failures.items(), key=str))


def test_no_route_answers_500_to_hostile_values_for_an_admin(app, client, signed_in):
    failures = sweep(app, client, signed_in)
    assert not failures, report(failures)


def test_no_route_answers_500_to_hostile_values_for_someone_not_signed_in(app, client):
    # Every route, every value in all its query names at once: the sign-in redirect carries the whole
    # query in its ``next``, so a value that cannot go into a header must be refused before it.
    failures = sweep(app, client, one_by_one=False)
    assert not failures, report(failures)



def test_a_plugins_screens_and_api_routes_are_swept_too(app, app_config, stock_free_app_factory, password_hash):
    # The screens plugin of tests/support adds admin pages and API routes: they come from the URL map as
    # the module's own routes do, and only they are swept here (the module's are swept above).
    plugged = stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[screens_plugin]))
    own = {rule.endpoint for rule in app.url_map.iter_rules()}
    added = {rule.endpoint for rule in plugged.url_map.iter_rules()} - own
    assert any(endpoint.startswith("acme_audit.") for endpoint in added), added
    assert any("acme" in rule.rule for rule in plugged.url_map.iter_rules() if rule.rule.startswith("/api/"))
    with plugged.app_context():
        make_company(db.session, with_clerk=False)
        user = User(username="admin", role="admin", password_hash=password_hash)
        record, token = ApiToken.issue(user)
        db.session.add_all([user, record])
        db.session.commit()
        db.session.remove()
    client = plugged.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token_from(page.text)})
    failures = sweep(plugged, client, {"Authorization": f"Bearer {token}"}, only=added | {
        rule.endpoint for rule in plugged.url_map.iter_rules() if "acme" in rule.rule})
    assert not failures, report(failures)

# ---------------------------------------------------------------------------- what the sweep found, pinned down
def test_a_page_or_filter_past_any_database_range_shows_the_list(app, client, signed_in):
    for url in ("/admin/items/?page=99999999999999999999", "/admin/customers/?page=٣&sort=99999999999999999999",
                "/admin/items/?page_size=99999999999999999999&desc=-1"):
        assert client.get(url).status_code == 200, url
    listed = client.get("/admin/serial_inventory/", query_string={"flt0_location_equals": "99999999999999999999"})
    assert listed.status_code == 200
    assert "Invalid Filter Value" in listed.text


@pytest.mark.parametrize("url", ["/admin/item_receipts/details/?id=99999999999999999999",
                                 "/admin/item_receipts/details/?id=²", "/admin/item_receipts/details/",
                                 "/admin/shipments/packing-list/?id=99999999999999999999",
                                 "/admin/serial_inventory/history/?id=-1"])
def test_a_document_or_unit_id_no_row_can_have_is_not_found(client, signed_in, url):
    assert client.get(url).status_code == 404


def test_a_record_id_no_row_can_have_is_a_record_that_does_not_exist(client, signed_in):
    for record_id in ("99999999999999999999", "²", "-1"):
        response = client.get("/admin/customers/edit/", query_string={"id": record_id}, follow_redirects=True)
        assert response.status_code == 200
        assert "Record does not exist." in response.text


@pytest.mark.parametrize("url, field", [("/login?next=/admin/%0D%0ASet-Cookie:%20x=1", "next"),
                                        ("/admin/customers/edit/?id=1&url=/admin/%0D%0AX:%201", "url"),
                                        ("/admin/items/?search=clock%00", "search")])
def test_a_control_character_in_a_query_is_refused_naming_the_argument(client, signed_in, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert f"The query argument &#39;{field}&#39; holds a control character" in response.text
    assert "Location" not in response.headers


def form_post(client, url, data):
    token = csrf_token_from(client.get(url).text)
    return client.post(url, data=dict(data, csrf_token=token), headers={"Referer": f"http://localhost{url}"},
                       follow_redirects=True)


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x08", "\x85"])
def test_a_control_character_in_a_form_field_is_refused_naming_the_field(app, client, signed_in, character):
    with app.app_context():
        before = db.session.query(Customer).count()
    response = form_post(client, "/admin/customers/new/", {"name": f"Back{character}Room"})
    assert response.status_code == 200
    assert "The field &#39;name&#39; holds a control character" in response.text
    assert response.request.path == "/admin/customers/new/"
    with app.app_context():
        assert db.session.query(Customer).count() == before


def test_line_breaks_and_tabs_in_a_form_field_are_kept(app, client, signed_in):
    response = form_post(client, "/admin/customers/new/", {"name": "Tab\tand line\r\nbreak"})
    assert "saved." in response.text and "Record was successfully created." not in response.text


@pytest.mark.parametrize("body, field", [
    ({"name": "Back\x01Room"}, "name"),
    ({"name": "Fine", "sku": "\x1b[31m"}, "sku"),
    ({"name": "Fine", "custom_fields": {"colour": "red\x7f"}}, "custom_fields.colour"),
])
def test_a_control_character_in_api_json_is_a_422_naming_the_field(app, client, signed_in, body, field):
    with app.app_context():
        before = db.session.query(Item).count()
    response = client.post("/api/v1/items", json=body, headers=signed_in)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == field
    assert field in response.json["detail"]
    with app.app_context():
        assert db.session.query(Item).count() == before


def test_a_control_character_in_an_api_query_is_a_422_naming_the_argument(client, signed_in):
    response = client.get("/api/v1/items", query_string={"q": "x\x00"}, headers=signed_in)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "q"


@pytest.mark.parametrize("target, lands_on", [("/admin/items/?page=2", "/admin/items/?page=2"),
                                              ("/\\evil.example/", "/admin/"), ("\\\\evil.example", "/admin/"),
                                              ("//evil.example", "/admin/"), ("https://evil.example/", "/admin/"),
                                              ("/\\/evil.example", "/admin/")])
def test_the_sign_in_redirect_stays_on_the_site(client, make_user, target, lands_on):
    make_user("admin")
    page = client.get("/login", query_string={"next": target})
    response = client.post("/login", query_string={"next": target}, data={
        "username": "admin", "password": PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on
