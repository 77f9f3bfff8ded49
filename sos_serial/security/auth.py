"""Signing in: Flask-Login sessions for the screens, bearer tokens for the API, and role rights."""
from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    has_app_context,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, update
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from sos_serial.database.brief_write import write_briefly
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Busy
from sos_serial.extensions import db, login_manager
from sos_serial.models import ApiToken, User
from sos_serial.models._columns import utcnow
from sos_serial.models.api_token import as_utc, token_digest
from sos_serial.models.user import ADMIN, CLERK, SUPPORT

from . import audit, sessions, sign_in_limits

log = logging.getLogger(__name__)

# What each role may do. The screens and the API both ask through can(); the README's role table is
# tested against this map, the screens' rights and the API's (tests/platform/test_role_table.py).
# The module's own rights; the rights plugins declare are held per app (security/plugin_rights.py).
# Reading is split by what is read: support sees serial units (their history and warranties), items and
# customers, and no costs or values; "read" is everything else a clerk reads (locations, vendors,
# warranty definitions, every transaction list and document).
READ_SERIAL_UNITS, READ_ITEMS, READ_CUSTOMERS, READ_COSTS = (
    "read_serial_units", "read_items", "read_customers", "read_costs")
# The API's reads of every other record and document, costs included: shared/API.md, the contract outside
# clients are written against, gives every role "read everything" there, so support keeps it in the API
# while its screens show what the README says.
READ_API = "read_api"
_READ_ALL = {"read", READ_SERIAL_UNITS, READ_ITEMS, READ_CUSTOMERS, READ_COSTS, READ_API}
RIGHTS = {
    ADMIN: {*_READ_ALL, "edit_master", "post", "create_serial", "edit_serial", "edit_warranty_dates",
            "manage_settings", "manage_warranties", "manage_users"},
    CLERK: {*_READ_ALL, "edit_master", "post", "create_serial", "edit_serial", "edit_warranty_dates"},
    SUPPORT: {READ_SERIAL_UNITS, READ_ITEMS, READ_CUSTOMERS, READ_API, "edit_warranty_dates"},
}
MODULE_RIGHTS = frozenset().union(*RIGHTS.values())
# app.extensions key: each role's rights from the plugins' Permission records, built at start-up.
PLUGIN_RIGHTS_KEY = "sos_serial.plugin_rights"

bp = Blueprint("auth", __name__)


def can(user, right: str) -> bool:
    """Whether ``user`` is signed in and their role holds ``right``: one of the module's, or one a plugin
    of the current app declared."""
    if not (user and user.is_authenticated):
        return False
    if right in RIGHTS.get(user.role, ()):
        return True
    granted = current_app.extensions.get(PLUGIN_RIGHTS_KEY, {}) if has_app_context() else {}
    return right in granted.get(user.role, ())


# A token's last use is written at most this often, so the API's reads do not each become a write.
LAST_USED_STEP = timedelta(minutes=1)


@login_manager.user_loader
def load_user(session_id: str):
    """The user of a session cookie (``id.version``, User.get_id), if that session has not been ended."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a cookie from before session versions: sign in again
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    if not sessions.still_current():
        session.clear()
        flash("Your session has timed out. Please sign in again.", "info")
        return None
    return user


class TokenCheck(NamedTuple):
    user: User | None
    refusal: str | None  # why the token is refused, for the one who sent it; None when it is accepted


def check_token(token: str) -> TokenCheck:
    """The user an API token signs in, or why it does not; notes when an accepted token was used."""
    record = db.session.query(ApiToken).filter_by(token_hash=token_digest(token)).one_or_none()
    if record is None:
        return TokenCheck(None, "This API token is not known.")
    now = utcnow()
    refusal = record.refusal(now)
    if refusal is not None:
        return TokenCheck(None, refusal)
    user = record.user
    if record.last_used_at is None or now - as_utc(record.last_used_at) >= LAST_USED_STEP:
        _note_use(record.id, now)
    return TokenCheck(user, None)


def _note_use(token_id: int, now) -> None:
    """Write the token's last use on a connection of its own, waiting for the write lock only briefly.

    The request must not queue behind a long posting for a bookkeeping write (API reads never wait
    behind a save), so a busy lock means the use is noted on a later request instead. The condition
    keeps it to one write a minute even when several processes accept the token at once.
    """
    statement = (update(ApiToken).where(ApiToken.id == token_id)
                 .where(or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_STEP))
                 .values(last_used_at=now))
    # A busy lock means the use is noted on a later request instead.
    write_briefly(db.engine, statement, f"note the use of API token {token_id}")


def user_for_token(token: str) -> User | None:
    return check_token(token).user


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login would be a phishing aid. Browsers read a backslash
    # as a slash, so "/\evil.example" is "//evil.example" to them. (Control characters never get here:
    # request_input refuses them in any query argument.)
    seen_as = (target or "").replace("\\", "/")
    if seen_as.startswith("/") and not seen_as.startswith("//") and not urlsplit(seen_as).netloc:
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    # Failed attempts per client address are counted by Flask-Limiter before this runs (sign_in_limits.py).
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data.strip()
        user = db.session.query(User).filter_by(username=name).one_or_none()
        now = utcnow()
        locked = sign_in_limits.locked_for(user, now) if user is not None else sign_in_limits.unknown_name_locked_for(name)
        if locked is not None:
            # Even the right password is refused while locked, in the same words whether the name exists or not.
            return _too_many_attempts(form, locked)
        if sign_in_limits.check_password_of(user, form.password.data):
            return signed_in(user)
        sign_in_failed(name, user, now)
        flash("That username and password do not match an active user.", "error")
    return render_template("auth/login.html", form=form), (200 if request.method == "GET" else 401)


def signed_in(user: User):
    """The one place a sign-in succeeds: the account's failure count starts again, and a fresh session begins."""
    sign_in_limits.clear_account_failures(user)
    # A fresh session: nothing from before sign-in (a CSRF token an attacker may know) carries over.
    session.clear()
    login_user(user)
    sessions.start()
    audit.record(db.session, action="sign_in", actor=user, target=user, commit=True)
    return redirect(_safe_next(request.args.get("next")))


def sign_in_failed(name: str, user: User | None, now) -> None:
    """The one place a sign-in fails (wrong password, unknown or deactivated user): counted against the
    account, or against the unknown name, towards the lock."""
    if user is not None:
        sign_in_limits.note_account_failure(user, now)
    else:
        sign_in_limits.note_unknown_name_failure(name)
    # The name tried, never the password.
    audit.record(db.session, action="sign_in_failed", target_type="user", target_label=name,
                 detail={"username": name}, commit=True)


def _too_many_attempts(form, seconds: float):
    flash(sign_in_limits.too_many_message(seconds), "error")
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response


@bp.errorhandler(RateLimitExceeded)
def _address_throttled(exc: RateLimitExceeded):
    # Too many failed sign-ins from this client address (Flask-Limiter refused it before the form was read).
    return _too_many_attempts(LoginForm(), sign_in_limits.address_retry_after())


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Signing out ends every session of the user, the copies of this cookie included.
    try:
        with unit_of_work(db.session):
            user = db.session.get(User, current_user.id)
            if user is not None:
                user.end_sessions()
                audit.record(db.session, action="sign_out", target=user)
        message, category = "You are signed out.", "info"
    except Busy:
        # This browser is signed out whatever the database can take now; the other sessions are not.
        log.warning("Could not end every session of %s: the database is busy.", current_user.username)
        message, category = ("You are signed out here. Other sessions of yours could not be ended because "
                             "the database is busy; sign out again in a minute to end them."), "warning"
    logout_user()
    session.clear()
    flash(message, category)
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    return redirect(url_for("admin.index"))


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to use the inventory."
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
    sessions.init_app(app)
    sign_in_limits.init_app(app, bp)
    sign_in_limits.prepare()

