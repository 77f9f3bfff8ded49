"""Limits on guessing passwords and tokens: failed sign-ins per client address and per account, failed API
token checks per address, and the one refusal a throttled attempt gets.

Counts per address (and per unknown user name) live in Flask-Limiter's storage, ``memory://`` by default:
several app processes need a shared one (``SOS_SERIAL_RATELIMIT_STORAGE_URI=redis://...`` or
``memcached://...``) to add up their counts. The count per account lives on the user's row, so every
process agrees on it whatever the storage.
"""
from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy import case, or_, update
from werkzeug.security import check_password_hash, generate_password_hash

from sos_serial.database.brief_write import write_briefly
from sos_serial.extensions import db
from sos_serial.models import User
from sos_serial.models.api_token import as_utc

log = logging.getLogger(__name__)
LIMITER_KEY = "sos_serial.limiter"  # app.extensions: this app's Limiter, with its own storage
TOO_MANY = "Too many sign-in attempts. Try again in {wait}."


def init_app(app, sign_in_blueprint) -> None:
    """A Limiter of the app's own (tests build several apps in one process) throttling failed sign-ins per
    client address: with ``SOS_SERIAL_PROXY_HOPS`` set, ProxyFix has made ``remote_addr`` the client's."""
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["SOS_SERIAL_RATELIMIT_STORAGE_URI"],
                      headers_enabled=False)
    # Only failed attempts count, so an office behind one address can sign in all morning; the limit is read
    # per request, so a changed setting (or a test's) applies at once.
    limiter.limit(lambda: current_app.config["SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT"], methods=["POST"],
                  deduct_when=lambda response: response.status_code in (401, 429),
                  exempt_when=lambda: request.endpoint != "auth.login")(sign_in_blueprint)
    app.extensions[LIMITER_KEY] = limiter


def _limiter() -> Limiter:
    return current_app.extensions[LIMITER_KEY]


def too_many_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return TOO_MANY.format(wait="1 minute" if minutes == 1 else f"{minutes} minutes")


def address_retry_after() -> float:
    """Seconds until the client address's breached sign-in limit lets it try again."""
    current = _limiter().current_limit
    # The window's own end: RequestLimit.reset_at rounds it up a second, which could read as one minute more.
    return max(1.0, current.window[0] - time.time()) if current is not None else 60.0


# Equal timing. ---------------------------------------------------------------------------------------------

@cache
def _stand_in_hash() -> str:
    # Made once per process with the same method as a real password's, so refusing an unknown or inactive
    # user costs one password check, like a wrong password does: the answer's time tells no user names.
    return generate_password_hash(secrets.token_urlsafe(16))


def check_password_of(user: User | None, password: str) -> bool:
    """Whether ``password`` signs ``user`` in; always one password-hash check, whoever the user is."""
    if user is None or not user.active:
        check_password_hash(_stand_in_hash(), password)
        return False
    return user.check_password(password)


def prepare() -> None:
    """Make the stand-in hash now, at start, so no request pays for it."""
    _stand_in_hash()


# Per account. ----------------------------------------------------------------------------------------------

def _max_failures() -> int:
    return int(current_app.config["SOS_SERIAL_SIGN_IN_MAX_FAILURES"])


def _lock() -> timedelta:
    return timedelta(minutes=int(current_app.config["SOS_SERIAL_SIGN_IN_LOCK_MINUTES"]))


def locked_for(user: User, now: datetime) -> float | None:
    """Seconds the account stays locked, or None when it may try."""
    if user.locked_until is None:
        return None
    left = (as_utc(user.locked_until) - now).total_seconds()
    return left if left > 0 else None


def note_account_failure(user: User, now: datetime) -> None:
    """Count a wrong password against the account; the Nth in a row locks it for the lock's minutes.

    One conditional UPDATE: two processes counting at once each add one (the row's lock orders them), and
    the one that reaches N locks the account and starts the count again for after the lock.
    """
    reached = User.failed_sign_ins + 1 >= _max_failures()
    statement = (update(User).where(User.id == user.id)
                 .where(or_(User.locked_until.is_(None), User.locked_until <= now))
                 .values(failed_sign_ins=case((reached, 0), else_=User.failed_sign_ins + 1),
                         locked_until=case((reached, now + _lock()), else_=None))
                 .execution_options(synchronize_session=False))
    _write(statement, "count a failed sign-in of", user)


def clear_account_failures(user: User) -> None:
    """A sign-in succeeded: the account's count starts again (written only when there is one)."""
    if not user.failed_sign_ins and user.locked_until is None:
        return
    statement = (update(User).where(User.id == user.id)
                 .values(failed_sign_ins=0, locked_until=None).execution_options(synchronize_session=False))
    _write(statement, "clear the failed sign-ins of", user)


def _write(statement, what: str, user: User) -> None:
    # A database too busy to take the write (a long posting holding SQLite's lock) must not hold up or fail
    # the sign-in; the attempt's answer stands, and the address's count (Flask-Limiter's) still holds.
    write_briefly(db.engine, statement, f"{what} {user.username}")


# Unknown user names, and API tokens, per address. -------------------------------------------------------------

def _digest(name: str) -> str:
    # The storage (perhaps a shared Redis) holds no user names typed by mistake, which are often passwords.
    return hashlib.sha256(name.casefold().encode("utf-8")).hexdigest()[:32]


def _unknown_name_limit():
    return parse(f"{_max_failures()} per {int(current_app.config['SOS_SERIAL_SIGN_IN_LOCK_MINUTES'])} minutes")


def unknown_name_locked_for(name: str) -> float | None:
    """Seconds an unknown user name stays refused after as many failures as lock an account; None if it may try.

    Kept in the limiter's storage, not the database: a made-up name creates no rows, yet is refused
    after the same number of tries as a real one, with the same words."""
    strategy, item = _limiter().limiter, _unknown_name_limit()
    if strategy.test(item, "sign-in-name", _digest(name)):
        return None
    reset = strategy.get_window_stats(item, "sign-in-name", _digest(name)).reset_time
    return max(1.0, reset - time.time())


def note_unknown_name_failure(name: str) -> None:
    _limiter().limiter.hit(_unknown_name_limit(), "sign-in-name", _digest(name))


def _token_limit():
    return parse(current_app.config["SOS_SERIAL_API_TOKEN_FAILURE_LIMIT"])


def token_checks_refused_for() -> int | None:
    """Seconds until this client address may send API tokens again, after too many unknown or refused ones."""
    strategy, item, address = _limiter().limiter, _token_limit(), get_remote_address()
    if strategy.test(item, "api-token-failures", address):
        return None
    reset = strategy.get_window_stats(item, "api-token-failures", address).reset_time
    return max(1, math.ceil(reset - time.time()))


def note_token_failure() -> None:
    _limiter().limiter.hit(_token_limit(), "api-token-failures", get_remote_address())
