"""Signing in: Flask-Login sessions for the screens, bearer tokens for the API, and role rights."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, has_app_context, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from sos_serial.extensions import db, login_manager
from sos_serial.models import ApiToken, User
from sos_serial.models.api_token import token_digest
from sos_serial.models.user import ADMIN, CLERK, SUPPORT

# What each role may do. The screens and the API both ask through can().
# The module's own rights; the rights plugins declare are held per app (security/plugin_rights.py).
RIGHTS = {
    ADMIN: {"read", "edit_master", "post", "create_serial", "edit_serial", "edit_warranty_dates",
            "manage_settings", "manage_warranties", "manage_users"},
    CLERK: {"read", "edit_master", "post", "create_serial", "edit_serial", "edit_warranty_dates"},
    SUPPORT: {"read", "edit_warranty_dates"},
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


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def user_for_token(token: str) -> User | None:
    record = db.session.query(ApiToken).filter_by(token_hash=token_digest(token)).one_or_none()
    if record is None or not record.user.active:
        return None
    return record.user


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login would be a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.query(User).filter_by(username=form.username.data.strip()).one_or_none()
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("That username and password do not match an active user.", "error")
    return render_template("auth/login.html", form=form), (200 if request.method == "GET" else 401)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    return redirect(url_for("admin.index"))


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to use the inventory."
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)

