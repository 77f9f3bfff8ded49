"""Every edit screen sends the version of the record it read; a save whose record changed since is refused.

Two people open the same record, each in a browser of their own (two test clients); the first saves,
the second's save is refused with the clerk's message and nothing of it is written; after a reload
the second saves. Items, customers, vendors, locations, warranties, webhooks, settings, serial units,
and a plugin's screen built on SecuredModelView, on both databases.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from sos_serial.engine.posting import create_serial_unit
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Customer, Item, Location, SerialUnit, Settings, Vendor, Warranty, Webhook
from sos_serial.views import COMPANY, SecuredModelView
from tests.support.web import PASSWORD, csrf_token_from

STALE = "was changed by someone else after you opened it; nothing was saved. Reload to see their change."
SETTINGS_STALE = ("These settings were changed by someone else after you opened them; nothing was saved. "
                  "Reload to see their change.")


class FormValues(HTMLParser):
    """What a browser posts from a page's form: each input's value, checked boxes, selected options, text areas."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "y")
            elif attrs.get("type") not in ("submit", "button"):
                self.values[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    values = parser.values
    values.pop("search", None)
    values.pop("q", None)  # the navigation bar's serial box, a form of its own
    return values


def browser(app, make_user, role: str, username: str):
    """A browser of its own (a test client), signed in through the login form."""
    make_user(role, username)
    client = app.test_client()
    page = client.get("/login").text
    signed_in = client.post("/login", data={"username": username, "password": PASSWORD,
                                            "csrf_token": csrf_token_from(page)})
    assert signed_in.status_code == 302
    return client


def in_app(app, work):
    with app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def first_id(model):
    return db.session.scalars(select(model.id).order_by(model.id)).first()


def make_webhook():
    hook = Webhook(url="https://example.com/hooks/sos", secret="kept", events=["transaction.posted"], active=True)
    db.session.add(hook)
    db.session.flush()
    return hook.id


def make_unit():
    item = db.session.scalars(select(Item).where(Item.track_serials.is_(True)).order_by(Item.id)).first()
    return create_serial_unit(db.session, user=None, item_id=item.id, serial_number="VER-1",
                              location_id=first_id(Location)).id


# (screen, how the record is found or made, the field both people change, how the stored value is read)
SCREENS = {
    "items": (lambda: first_id(Item), "sku", lambda record_id: db.session.get(Item, record_id).sku),
    "customers": (lambda: first_id(Customer), "notes", lambda record_id: db.session.get(Customer, record_id).notes),
    "vendors": (lambda: first_id(Vendor), "notes", lambda record_id: db.session.get(Vendor, record_id).notes),
    "locations": (lambda: first_id(Location), "notes", lambda record_id: db.session.get(Location, record_id).notes),
    "warranties": (lambda: first_id(Warranty), "terms", lambda record_id: db.session.get(Warranty, record_id).terms),
    "webhooks": (make_webhook, "url", lambda record_id: db.session.get(Webhook, record_id).url),
    "serial_inventory": (make_unit, "notes", lambda record_id: db.session.get(SerialUnit, record_id).notes),
}
NEW_VALUES = {"url": ("https://example.com/first", "https://example.com/second")}


def edit_url(screen, record_id):
    return f"/admin/{screen}/edit/?id={record_id}"


def save(client, url, page_html, field, value):
    data = {**form_values(page_html), field: value}
    return client.post(url, data=data, follow_redirects=True)


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_second_of_two_concurrent_edits_is_refused_and_writes_nothing(app, make_user, demo, screen):
    find, field, stored = SCREENS[screen]
    record_id = in_app(app, find)
    first, second = (NEW_VALUES.get(field) or ("First " + screen, "Second " + screen))
    alice, bob = browser(app, make_user, "admin", "alice"), browser(app, make_user, "admin", "bob")
    url = edit_url(screen, record_id)
    alices_page, bobs_page = alice.get(url).text, bob.get(url).text
    assert "read_version" in alices_page or 'name="version"' in alices_page

    saved = save(alice, url, alices_page, field, first)
    assert saved.status_code == 200 and STALE not in saved.text
    assert in_app(app, lambda: stored(record_id)) == first

    refused = save(bob, url, bobs_page, field, second)
    assert refused.status_code == 200
    assert "changed by someone else after you opened it" in refused.text
    if screen != "serial_inventory":
        noun = {"items": "item", "customers": "customer", "vendors": "vendor", "locations": "location",
                "warranties": "warranty", "webhooks": "webhook"}[screen]
        assert f"This {noun} {STALE}" in refused.text
    assert in_app(app, lambda: stored(record_id)) == first

    # Reloaded, the page reads the first save's version, and the second person's change is taken.
    again = save(bob, url, bob.get(url).text, field, second)
    assert "changed by someone else" not in again.text
    assert in_app(app, lambda: stored(record_id)) == second


@pytest.mark.parametrize("screen", ["items", "customers", "warranties"])
def test_a_save_without_the_version_read_is_refused(app, make_user, demo, screen):
    find, field, stored = SCREENS[screen]
    record_id = in_app(app, find)
    before = in_app(app, lambda: stored(record_id))
    client = browser(app, make_user, "admin", "alice")
    url = edit_url(screen, record_id)
    data = {**form_values(client.get(url).text), field: "No version"}
    del data["read_version"]
    refused = client.post(url, data=data, follow_redirects=True)
    assert STALE in refused.text
    assert in_app(app, lambda: stored(record_id)) == before


def test_saving_an_unchanged_record_twice_from_fresh_pages_is_not_refused(app, make_user, demo):
    record_id = in_app(app, lambda: first_id(Customer))
    client = browser(app, make_user, "clerk", "carol")
    url = edit_url("customers", record_id)
    for note in ("one", "two"):
        assert STALE not in save(client, url, client.get(url).text, "notes", note).text
    assert in_app(app, lambda: db.session.get(Customer, record_id).notes) == "two"


# ---------------------------------------------------------------------------- settings
def test_settings_saved_by_someone_else_refuse_the_older_page(app, make_user, demo):
    alice, bob = browser(app, make_user, "admin", "alice"), browser(app, make_user, "admin", "bob")
    url = "/admin/settings/"
    alices_page, bobs_page = alice.get(url).text, bob.get(url).text
    assert 'name="read_version"' in alices_page
    assert "Settings saved." in save(alice, url, alices_page, "auto_serial_prefix", "AL-").text
    refused = save(bob, url, bobs_page, "auto_serial_prefix", "BO-")
    assert SETTINGS_STALE in refused.text
    assert in_app(app, lambda: Settings.current(db.session).auto_serial_prefix) == "AL-"
    assert "Settings saved." in save(bob, url, bob.get(url).text, "auto_serial_prefix", "BO-").text
    assert in_app(app, lambda: Settings.current(db.session).auto_serial_prefix) == "BO-"


def test_a_posting_that_moves_the_next_number_on_refuses_the_settings_page_read_before(app, make_user, demo):
    # Saving the page's old next number would number the next receipt's serials again.
    client = browser(app, make_user, "admin", "alice")
    page = client.get("/admin/settings/").text

    def numbered():
        settings = Settings.current(db.session)
        settings.auto_serial_next_number += 5

    in_app(app, numbered)
    refused = save(client, "/admin/settings/", page, "auto_serial_prefix", "AL-")
    assert SETTINGS_STALE in refused.text
    assert in_app(app, lambda: Settings.current(db.session).auto_serial_prefix) != "AL-"


# ---------------------------------------------------------------------------- a plugin's screen
class ShelvesPlugin:
    """A plugin's edit screen on the secured base view, as integrators.md describes."""

    @hookimpl
    def admin_views(self):
        return [SecuredModelView(Location, db, name="Shelves", category=COMPANY, endpoint="acme_shelves")]


@pytest.fixture
def shelves_app(app_config, stock_free_app_factory):
    return stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[ShelvesPlugin()]))


def test_a_plugins_edit_screen_refuses_the_stale_save_too(shelves_app, password_hash):
    from sos_serial.models import User

    def make():
        for name in ("alice", "bob"):
            user = User(username=name, role="clerk")
            user.password_hash = password_hash
            db.session.add(user)
        shelf = Location(name="Aisle 4")
        db.session.add(shelf)
        db.session.flush()
        return shelf.id

    shelf_id = in_app(shelves_app, make)
    alice, bob = (browser(shelves_app, lambda *args: None, "clerk", name) for name in ("alice", "bob"))
    url = edit_url("acme_shelves", shelf_id)
    alices_page, bobs_page = alice.get(url).text, bob.get(url).text
    assert 'name="read_version"' in alices_page
    save(alice, url, alices_page, "notes", "Top shelf")
    refused = save(bob, url, bobs_page, "notes", "Bottom shelf")
    assert f"This location {STALE}" in refused.text
    assert in_app(shelves_app, lambda: db.session.get(Location, shelf_id).notes) == "Top shelf"


def test_two_saves_of_one_page_version_sent_at_the_same_moment_have_one_winner(app, make_user, demo):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    record_id = in_app(app, lambda: first_id(Customer))
    url = edit_url("customers", record_id)
    people = [browser(app, make_user, "clerk", name) for name in ("alice", "bob")]
    pages = [person.get(url).text for person in people]
    barrier = threading.Barrier(len(people), timeout=30)

    def send(n):
        barrier.wait()
        return save(people[n], url, pages[n], "notes", f"note {n}").text

    with ThreadPoolExecutor(len(people)) as pool:
        answers = list(pool.map(send, range(len(people))))
    refused = [n for n, text in enumerate(answers) if STALE in text]
    assert len(refused) == 1, answers
    winner = 1 - refused[0]
    assert in_app(app, lambda: db.session.get(Customer, record_id).notes) == f"note {winner}"
