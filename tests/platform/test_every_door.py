"""The doors of the earlier attack run, walked from the app's URL map so that a new route is covered too.

Anonymous access to every route, the CSRF token on every screen's form and list action, and stored
markup in every text field a clerk types, shown back on every screen that shows it.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialUnit, Transaction, User, Vendor, Warranty
from tests.support.web import PASSWORD, csrf_token_from
from tests.support.world import line, make_company, post, receive, ship

# Routes anyone may open: the sign-in page, the home that sends there, static files, the API's own
# description (it names the routes, not their data) and the health checks (they name no data either).
PUBLIC_ENDPOINTS = {"auth.login", "auth.home", "static", "admin.static", "ui.static", "api.openapi",
                    "health.healthz", "health.readyz"}
# Values for a route's own parts: an id of 1 and the CSV export.
ROUTE_VALUES = {"export_type": "csv", "filename": "nothing.css"}

MARKUP = '"><script>alert("sos")</script><img src=x onerror=alert(1)>'


def routes(app, *, public: bool = False):
    """(endpoint, method, url) for every rule of the app, with its parts filled in."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if (rule.endpoint in PUBLIC_ENDPOINTS) != public:
            continue
        values = {name: ROUTE_VALUES.get(name, 1) for name in rule.arguments}
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def row_counts(app) -> dict[str, int]:
    """How many rows each table holds: a refused request must leave every one of them as it was."""
    with app.app_context():
        counts = {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
                  for table in db.metadata.sorted_tables}
        db.session.remove()
    return counts


@pytest.fixture
def stocked(app):
    """A company with a unit shipped, so that every screen has a record with id 1 to show."""
    with app.app_context():
        co = make_company(db.session)
        today = date.today().isoformat()
        receive(co.clock, ["DOOR-1", "DOOR-2"], co.main, date=today)
        ship(co.clock, ["DOOR-1"], co.main, co.acme, date=today)
        db.session.remove()
    return co


def test_anonymous_requests_reach_nothing_but_the_sign_in_page(app, client, stocked):
    before = row_counts(app)
    checked = 0
    for endpoint, method, url in routes(app):
        answer = client.open(url, method=method, json={} if url.startswith("/api/") else None)
        checked += 1
        where = f"{method} {url} ({endpoint})"
        if url.startswith("/api/"):
            assert answer.status_code == 401, where
        elif method == "GET":
            # A screen sends the visitor to sign in.
            assert answer.status_code == 302, where
            assert answer.headers["Location"].startswith("/login"), where
        else:
            # A form or list action without a session: refused before any of it is read.
            assert answer.status_code in (302, 400, 401, 403), where
            if answer.status_code == 302:
                assert answer.headers["Location"].startswith("/login"), where
    assert checked > 200
    assert row_counts(app) == before


def test_the_public_routes_are_only_the_sign_in_page_static_files_and_the_api_description(app, client):
    public = {endpoint for endpoint, _, _ in routes(app, public=True)}
    assert public == PUBLIC_ENDPOINTS
    assert client.get("/login").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_every_form_and_list_action_of_the_screens_refuses_a_post_without_the_token(app, login, stocked):
    client = login("admin")
    before = row_counts(app)
    posts = [(endpoint, url) for endpoint, method, url in routes(app)
             if method == "POST" and not url.startswith("/api/")]
    assert len(posts) > 80
    for endpoint, url in posts:
        answer = client.post(url, data={"id": "1", "rowid": ["1"], "action": "delete", "name": "Door",
                                        "url": "/admin/"})
        where = f"POST {url} ({endpoint})"
        assert answer.status_code == 400, where
        assert "CSRF" in answer.get_data(as_text=True), where
    assert row_counts(app) == before
    # And the session is still the admin's: the refusals ended nothing.
    assert client.get("/admin/").status_code == 200


@pytest.fixture
def marked(app, password_hash):
    """Every text a clerk types, typed as markup that would run if shown unescaped."""
    with app.app_context():
        co = make_company(db.session)
        for model in (Customer, Location, Vendor):
            record = model(name=f"{model.__name__} {MARKUP}", notes=MARKUP)
            db.session.add(record)
        item = db.session.get(Item, co.clock)
        item.name, item.description = f"Clock {MARKUP}", MARKUP
        warranty = db.session.get(Warranty, co.one_year)
        warranty.name, warranty.terms = f"Year {MARKUP}", MARKUP
        db.session.add(User(username="boss", role="admin", password_hash=password_hash))
        db.session.commit()
        customer = db.session.scalar(select(Customer.id).where(Customer.name.startswith("Customer ")))
        location = db.session.scalar(select(Location.id).where(Location.name.startswith("Location ")))
        today = date.today().isoformat()
        post(type="item_receipt", date=today, location_id=location, memo=MARKUP,
             lines=[line(co.clock, 2, serials=["MARK-1", "MARK-2"])])
        post(type="shipment", date=today, location_id=location, customer_id=customer, memo=MARKUP,
             lines=[line(co.clock, 1, serials=["MARK-1"])])
        unit = db.session.scalar(select(SerialUnit).where(SerialUnit.serial_number == "MARK-2"))
        units = [unit.id]
        db.session.remove()
    return co, units


def screens_showing_records(app, units) -> list[str]:
    """Every screen that lists or shows a record: the lists, each record's details and edit pages."""
    urls = []
    with app.app_context():
        ids = {
            "items": db.session.scalars(select(Item.id)).all(),
            "customers": db.session.scalars(select(Customer.id)).all(),
            "locations": db.session.scalars(select(Location.id)).all(),
            "vendors": db.session.scalars(select(Vendor.id)).all(),
            "warranties": db.session.scalars(select(Warranty.id)).all(),
            "transactions": db.session.scalars(select(Transaction.id)).all(),
            "serial_inventory": units,
        }
        db.session.remove()
    for endpoint, method, url in routes(app):
        if method != "GET" or not url.startswith("/admin/") or "/ajax/" in url or "/export/" in url:
            continue
        view = url.split("/")[2]
        if url.endswith(("/details/", "/edit/", "/packing-list/", "/history/")):
            urls += [f"{url}?id={record}" for record in ids.get(view, ())]
        elif url.count("/") == 3 or endpoint.endswith(".index"):
            urls.append(url)
    return urls


def test_markup_typed_into_any_field_is_shown_as_text_on_every_screen(app, client, marked):
    _, units = marked
    page = client.get("/login")
    client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": csrf_token_from(page.text)})
    shown = 0
    for url in screens_showing_records(app, units):
        answer = client.get(url)
        assert answer.status_code in (200, 302, 403, 404), url
        html = answer.get_data(as_text=True)
        assert '<script>alert("sos")' not in html, url
        assert "<img src=x onerror" not in html, url
        if "&lt;script&gt;alert(" in html:
            shown += 1
    # The markup was shown (escaped) on the lists and records that carry it, not merely absent.
    assert shown >= 15


INJECTION = "x' OR '1'='1'; DROP TABLE customers; --"


def test_sql_in_a_search_or_a_name_is_only_text(app, login, stocked):
    client = login("admin")
    before = row_counts(app)
    # Searched for on the screens and in the API's filters: nothing matches, nothing is dropped.
    for url in (f"/admin/customers/?search={INJECTION}", f"/admin/serial_inventory/?search={INJECTION}",
                f"/admin/items/?search={INJECTION}"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "DOOR-" not in answer.get_data(as_text=True), url
    # The same screens find a real record by the same search, so the refusal above is the search's answer.
    assert "DOOR-2" in client.get("/admin/serial_inventory/?search=DOOR").get_data(as_text=True)
    assert row_counts(app) == before
    # Stored as a name, it is kept exactly as typed.
    with app.app_context():
        db.session.add(Customer(name=INJECTION))
        db.session.commit()
        assert db.session.scalar(select(Customer.name).where(Customer.name == INJECTION)) == INJECTION
        db.session.remove()
    listing = client.get("/admin/customers/").get_data(as_text=True)
    assert "DROP TABLE customers" in listing and "Acme Clocks" in listing
