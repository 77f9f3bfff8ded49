"""Guessing passwords: failed sign-ins throttled per client address and locked per account (across app
processes), the one "try again" page, and equal timing for unknown users."""
import re
import statistics
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from sos_serial.extensions import db
from sos_serial.models import User
from sos_serial.models._columns import utcnow
from tests.support.web import PASSWORD, csrf_token_from

TOO_MANY = "Too many sign-in attempts. Try again in 15 minutes."
NO_MATCH = "That username and password do not match an active user."


def sign_in(client, username, password, address="127.0.0.1", headers=None):
    form = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token_from(form.text)},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def account(app, username="clerk") -> User:
    with app.app_context():
        user = db.session.query(User).filter_by(username=username).one()
        db.session.expunge(user)
        return user


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def message(response) -> str:
    found = re.findall(r'role="alert">([^<]*)<', response.text)
    assert found, response.text
    return " ".join(found)


def assert_too_many(response, minutes=15):
    assert response.status_code == 429, response.text
    assert f"Too many sign-in attempts. Try again in {minutes} minutes." in response.text
    assert 0 < int(response.headers["Retry-After"]) <= minutes * 60


def test_failed_sign_ins_from_one_address_are_throttled(app, client, make_user):
    app.config.update(SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT="5 per 15 minutes")
    make_user("clerk")
    for attempt in range(5):
        response = sign_in(client, f"guess{attempt}", "wrong password")
        assert response.status_code == 401 and NO_MATCH in response.text
    throttled = sign_in(client, "guess5", "wrong password")
    assert_too_many(throttled)
    # The address is refused before any password is looked at: the right one too.
    assert_too_many(sign_in(client, "clerk", PASSWORD))
    assert client.get("/admin/items/").status_code == 302
    # Another address is not held back by this one.
    assert sign_in(client, "clerk", PASSWORD, address="10.0.0.2").status_code == 302


def test_only_failed_sign_ins_count_against_an_address(app, client, make_user):
    app.config.update(SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT="3 per 15 minutes")
    make_user("clerk")
    for _ in range(6):
        assert sign_in(client, "clerk", PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/admin/").text)})
    for _ in range(3):
        assert sign_in(client, "clerk", "wrong password").status_code == 401
    assert_too_many(sign_in(client, "clerk", "wrong password"))


def test_behind_a_proxy_each_client_address_is_counted_on_its_own(app_config, stock_free_app_factory,
                                                                   password_hash):
    proxied = stock_free_app_factory({**app_config, "SOS_SERIAL_PROXY_HOPS": 1,
                                      "SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT": "2 per 15 minutes"})
    with proxied.app_context():
        db.session.add(User(username="clerk", role="clerk", password_hash=password_hash))
        db.session.commit()
    client = proxied.test_client()
    # Every request reaches the app from the proxy's own address; the client's is in X-Forwarded-For.
    attacker, clerk = {"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-For": "198.51.100.7"}
    for _ in range(2):
        assert sign_in(client, "clerk", "wrong password", address="10.0.0.1", headers=attacker).status_code == 401
    assert_too_many(sign_in(client, "clerk", "wrong password", address="10.0.0.1", headers=attacker))
    assert sign_in(client, "clerk", PASSWORD, address="10.0.0.1", headers=clerk).status_code == 302


def test_an_account_is_locked_after_its_failures_on_two_app_processes(app_config, stock_free_app_factory,
                                                                      password_hash):
    """Two apps on one database stand for two app processes: the count is the database's, not a process's."""
    first, second = stock_free_app_factory(dict(app_config)), stock_free_app_factory(dict(app_config))
    with first.app_context():
        db.session.add(User(username="clerk", role="clerk", password_hash=password_hash))
        db.session.commit()
    clients = [first.test_client(), second.test_client()]
    for attempt in range(10):
        response = sign_in(clients[attempt % 2], "clerk", "wrong password")
        assert response.status_code == 401, (attempt, response.text)
    assert account(first).locked_until is not None
    # Locked: even the right password is refused, by either process, with the time to wait.
    for client in clients:
        refused = sign_in(client, "clerk", PASSWORD)
        assert_too_many(refused)
        assert message(refused) == TOO_MANY
        assert client.get("/admin/items/").status_code == 302


def test_failures_counted_at_once_by_two_app_processes_all_count(app_config, stock_free_app_factory,
                                                                 password_hash):
    first, second = stock_free_app_factory(dict(app_config)), stock_free_app_factory(dict(app_config))
    for app in (first, second):
        app.config.update(SOS_SERIAL_SIGN_IN_MAX_FAILURES=8)
    with first.app_context():
        db.session.add(User(username="clerk", role="clerk", password_hash=password_hash))
        db.session.commit()
    answers, start = [], threading.Barrier(2)

    def guess(app):
        client = app.test_client()
        start.wait()
        for _ in range(4):
            answers.append(sign_in(client, "clerk", "wrong password").status_code)

    threads = [threading.Thread(target=guess, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [401] * 8
    # Eight failures in all, none lost between the processes: the eighth locked the account.
    assert account(first).locked_until is not None
    assert_too_many(sign_in(first.test_client(), "clerk", PASSWORD))


def test_a_sign_in_starts_the_count_again(app, client, make_user):
    make_user("clerk")
    for _ in range(9):
        assert sign_in(client, "clerk", "wrong password").status_code == 401
    assert account(app).failed_sign_ins == 9
    assert sign_in(client, "clerk", PASSWORD).status_code == 302
    assert account(app).failed_sign_ins == 0
    other = app.test_client()
    for _ in range(9):
        assert sign_in(other, "clerk", "wrong password").status_code == 401
    assert sign_in(other, "clerk", PASSWORD).status_code == 302


def test_a_lock_ends_when_its_time_is_up(app, client, make_user):
    user_id = make_user("clerk")
    for _ in range(10):
        sign_in(client, "clerk", "wrong password")
    assert_too_many(sign_in(client, "clerk", PASSWORD))
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert sign_in(client, "clerk", PASSWORD).status_code == 302
    assert account(app).failed_sign_ins == 0 and account(app).locked_until is None


def test_the_lock_says_how_long_is_left(app, client, make_user):
    user_id = make_user("clerk")
    for _ in range(10):
        sign_in(client, "clerk", "wrong password")
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(locked_until=utcnow() + timedelta(seconds=50)))
        db.session.commit()
    refused = sign_in(client, "clerk", PASSWORD)
    assert refused.status_code == 429 and message(refused) == "Too many sign-in attempts. Try again in 1 minute."
    assert 0 < int(refused.headers["Retry-After"]) <= 50


def test_an_unknown_name_is_refused_like_a_locked_account_without_a_row(app, client, make_user):
    make_user("clerk")
    before = user_count(app)
    for _ in range(10):
        sign_in(client, "clerk", "wrong password")
        assert sign_in(client, "nobody", "wrong password").status_code == 401
    locked, unknown = sign_in(client, "clerk", PASSWORD), sign_in(client, "nobody", PASSWORD)
    assert_too_many(locked)
    assert_too_many(unknown)
    assert message(locked) == message(unknown) == TOO_MANY
    assert user_count(app) == before


def test_a_deactivated_user_is_refused_as_a_wrong_password_is(app, client, make_user):
    user_id = make_user("clerk")
    make_user("support")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    deactivated = sign_in(client, "clerk", PASSWORD)
    wrong = sign_in(client, "support", "wrong password")
    unknown = sign_in(client, "nobody", PASSWORD)
    assert deactivated.status_code == wrong.status_code == unknown.status_code == 401
    assert message(deactivated) == message(wrong) == message(unknown) == NO_MATCH


def test_an_unknown_user_costs_as_long_as_a_wrong_password(app, client, make_user):
    """Row 3: a real user's refusal took 110 ms, an unknown one's 4 ms. Each now checks one password hash.
    Ratios of medians within one run, never absolute times."""
    app.config.update(SOS_SERIAL_SIGN_IN_MAX_FAILURES=1000, SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT="1000 per minute")
    make_user("clerk")
    make_user("support")
    with app.app_context():
        db.session.get(User, make_user("admin", "retired")).active = False
        db.session.commit()
    token = csrf_token_from(client.get("/login").text)

    def timed(username):
        started = time.perf_counter()
        response = client.post("/login", data={"username": username, "password": "wrong password",
                                               "csrf_token": token})
        assert response.status_code == 401
        return time.perf_counter() - started

    known, unknown, deactivated = [], [], []
    for attempt in range(15):
        known.append(timed("clerk"))
        unknown.append(timed(f"nobody{attempt}"))
        deactivated.append(timed("retired"))
    for other in (unknown, deactivated):
        ratio = statistics.median(other) / statistics.median(known)
        assert 0.5 <= ratio <= 2.0, (ratio, statistics.median(other), statistics.median(known))
