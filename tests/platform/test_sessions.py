"""Screen sessions end when they should: sign-out, a password change, deactivation, an admin's sign-out
everywhere, and the idle and absolute timeouts; a session begun at sign-in is fresh; HTTPS gets Secure and HSTS."""
import pytest

from sos_serial.extensions import db
from sos_serial.models import Location, User
from sos_serial.security.sessions import SEEN_AT, SIGNED_IN_AT
from tests.support.web import PASSWORD, csrf_token_from


def locations(app) -> list[str]:
    with app.app_context():
        names = [location.name for location in db.session.query(Location).order_by(Location.name)]
        db.session.remove()
    return names


def stolen_copy(app, client):
    """A second browser holding a copy of ``client``'s session cookie, as one who copied it would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def assert_refused(app, thief, form_token):
    """The copied cookie no longer opens a screen, and a write sent with it writes nothing."""
    page = thief.get("/admin/locations/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    before = locations(app)
    write = thief.post("/admin/locations/new/", data={"name": "Thieves' Den", "csrf_token": form_token})
    assert write.status_code == 302 and write.headers["Location"].startswith("/login")
    assert locations(app) == before


def signed_in_copy(app, login):
    client = login("clerk")
    form_token = csrf_token_from(client.get("/admin/locations/new/").text)
    thief = stolen_copy(app, client)
    assert thief.get("/admin/locations/").status_code == 200  # the copy works while the session lives
    return client, thief, form_token


def test_signing_out_ends_every_copy_of_the_session(app, login):
    client, thief, form_token = signed_in_copy(app, login)
    client.post("/logout", data={"csrf_token": form_token})
    assert_refused(app, thief, form_token)


def test_signing_out_ends_the_users_other_sessions_too(app, login):
    client, thief, form_token = signed_in_copy(app, login)
    other = app.test_client()
    page = other.get("/login")
    other.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert other.get("/admin/locations/").status_code == 200
    client.post("/logout", data={"csrf_token": form_token})
    assert other.get("/admin/locations/").status_code == 302


@pytest.mark.parametrize("command", [["users", "deactivate", "clerk"], ["users", "sign-out", "clerk"],
                                     ["users", "reset-password", "clerk", "--generate"]])
def test_an_admin_command_ends_every_session_of_the_user(app, login, runner, command):
    client, thief, form_token = signed_in_copy(app, login)
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    assert_refused(app, thief, form_token)
    assert_refused(app, client, form_token)


def test_a_password_change_ends_the_sessions_begun_with_the_old_one(app, login):
    client, thief, form_token = signed_in_copy(app, login)
    with app.app_context():
        db.session.query(User).filter_by(username="clerk").one().set_password("a new long password")
        db.session.commit()
        db.session.remove()
    assert_refused(app, thief, form_token)


def test_a_cookie_from_before_session_versions_signs_nobody_in(app, login):
    client = login("clerk")
    with client.session_transaction() as stored:
        stored["_user_id"] = stored["_user_id"].split(".")[0]
    assert client.get("/admin/locations/").status_code == 302


def test_a_csrf_token_taken_before_sign_in_does_not_work_after_it(app, make_user, client):
    make_user("clerk")
    before = csrf_token_from(client.get("/login").text)
    client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": before})
    assert client.get("/admin/locations/").status_code == 200
    refused = client.post("/admin/locations/new/", data={"name": "Planted", "csrf_token": before})
    assert refused.status_code == 400
    assert "Planted" not in locations(app)
    after = csrf_token_from(client.get("/admin/locations/new/").text)
    assert after != before
    accepted = client.post("/admin/locations/new/", data={"name": "Back Room", "csrf_token": after})
    assert accepted.status_code == 302
    assert "Back Room" in locations(app)


def move_back(client, key: str, seconds: int) -> None:
    with client.session_transaction() as stored:
        stored[key] -= seconds


def test_an_idle_session_times_out(app, login):
    app.config["SOS_SERIAL_SESSION_IDLE_MINUTES"] = 30
    client = login("clerk")
    move_back(client, SEEN_AT, 29 * 60)
    assert client.get("/admin/locations/").status_code == 200  # and that request counts as activity
    move_back(client, SEEN_AT, 29 * 60)
    assert client.get("/admin/locations/").status_code == 200
    move_back(client, SEEN_AT, 31 * 60)
    response = client.get("/admin/locations/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Your session has timed out" in client.get("/login").text


def test_a_session_ends_after_its_absolute_limit_however_busy(app, login):
    app.config["SOS_SERIAL_SESSION_ABSOLUTE_HOURS"] = 12
    client = login("clerk")
    move_back(client, SIGNED_IN_AT, 11 * 3600)
    assert client.get("/admin/locations/").status_code == 200
    move_back(client, SIGNED_IN_AT, 3600)
    assert client.get("/admin/locations/").status_code == 302


def test_the_timeouts_default_to_eight_hours_idle_and_seven_days(app):
    assert app.config["SOS_SERIAL_SESSION_IDLE_MINUTES"] == 8 * 60
    assert app.config["SOS_SERIAL_SESSION_ABSOLUTE_HOURS"] == 7 * 24


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(app, make_user):
    make_user("clerk")
    plain = app.test_client().get("/login")
    assert "Secure" not in plain.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in plain.headers
    secure = app.test_client().get("/login", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_behind_a_proxy_its_forwarded_scheme_is_trusted_only_when_switched_on(app_config, stock_free_app_factory):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    direct = stock_free_app_factory(dict(app_config)).test_client().get("/login", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers
    assert "Secure" not in direct.headers["Set-Cookie"]
    proxied = stock_free_app_factory(dict(app_config, SOS_SERIAL_PROXY_HOPS=1)).test_client().get(
        "/login", headers=forwarded)
    assert "Strict-Transport-Security" in proxied.headers
    assert "Secure" in proxied.headers["Set-Cookie"]
