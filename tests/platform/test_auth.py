"""Signing in, role rights on every admin page, and CSRF on every form."""
import pytest

from sos_serial.extensions import db
from sos_serial.models import ApiToken, User
from sos_serial.security.auth import user_for_token
from tests.support.web import PASSWORD, csrf_token_from

ADMIN_PAGES = ["/admin/", "/admin/items/", "/admin/serial_inventory/", "/admin/warranties/",
               "/admin/locations/", "/admin/customers/", "/admin/vendors/", "/admin/serial_history/",
               "/admin/settings/"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_every_admin_page_needs_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_returns_to_the_page_asked_for(client, make_user):
    make_user("clerk")
    form = client.get("/login?next=/admin/items/")
    response = client.post("/login?next=/admin/items/", data={
        "username": "clerk", "password": PASSWORD, "csrf_token": csrf_token_from(form.text)})
    assert response.headers["Location"] == "/admin/items/"


def test_sign_in_never_redirects_off_site(client, make_user):
    make_user("clerk")
    form = client.get("/login")
    response = client.post("/login?next=//evil.example/", data={
        "username": "clerk", "password": PASSWORD, "csrf_token": csrf_token_from(form.text)})
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("clerk")
    form = client.get("/login")
    response = client.post("/login", data={
        "username": "clerk", "password": "wrong", "csrf_token": csrf_token_from(form.text)})
    assert response.status_code == 401
    assert "do not match an active user" in response.text
    assert client.get("/admin/items/").status_code == 302


def test_inactive_user_cannot_sign_in(app, client, make_user):
    user_id = make_user("clerk")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    form = client.get("/login")
    response = client.post("/login", data={
        "username": "clerk", "password": PASSWORD, "csrf_token": csrf_token_from(form.text)})
    assert response.status_code == 401


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("clerk")
    response = client.post("/login", data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_admin_form_post_without_csrf_token_is_refused(login):
    client = login("admin")
    response = client.post("/admin/locations/new/", data={"name": "Back Room"})
    assert response.status_code == 400


def test_sign_out_ends_the_session(login):
    client = login("clerk")
    page = client.get("/admin/")
    response = client.post("/logout", data={"csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role, url, status", [
    ("support", "/admin/items/", 200),
    ("support", "/admin/serial_inventory/", 200),
    ("support", "/admin/customers/", 200),
    ("support", "/admin/items/new/", 403),
    ("support", "/admin/locations/new/", 403),
    ("support", "/admin/settings/", 403),
    ("clerk", "/admin/items/new/", 200),
    ("clerk", "/admin/settings/", 403),
    ("clerk", "/admin/warranties/new/", 403),
    ("admin", "/admin/settings/", 200),
    ("admin", "/admin/warranties/new/", 200),
])
def test_role_rights(login, role, url, status):
    client = login(role)
    assert client.get(url).status_code == status


def test_support_cannot_post_to_a_create_form(login):
    client = login("support")
    page = client.get("/admin/items/")
    response = client.post("/admin/items/new/", data={"name": "Sneaky", "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 403


def test_support_sees_no_create_button(login):
    client = login("support")
    assert "/admin/items/new/" not in client.get("/admin/items/").text
    clerk_view = login("clerk", "clerk").get("/admin/items/").text
    assert "/admin/items/new/" in clerk_view


def test_passwords_are_stored_hashed(app, make_user):
    user_id = make_user("clerk")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD) and not user.check_password("nope")


def test_tokens_are_stored_as_digests(app, make_user):
    user_id = make_user("clerk")
    with app.app_context():
        record, token = ApiToken.issue(db.session.get(User, user_id))
        db.session.add(record)
        db.session.commit()
        assert token not in record.token_hash
        assert user_for_token(token).id == user_id
        assert user_for_token(token + "x") is None


def test_set_password_stores_a_salted_hash_that_only_the_password_opens():
    # The other tests' users share one hash made once per run; this one goes through set_password each time.
    first, second = User(username="ada", role="clerk"), User(username="carl", role="clerk")
    first.set_password(PASSWORD)
    second.set_password(PASSWORD)
    assert PASSWORD not in first.password_hash
    assert first.password_hash != second.password_hash
    assert first.check_password(PASSWORD) and second.check_password(PASSWORD)
    assert not first.check_password(PASSWORD + " ") and not first.check_password(PASSWORD.upper())
