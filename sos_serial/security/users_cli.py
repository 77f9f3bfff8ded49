"""The users command: users, their passwords and sessions, and API tokens (`flask --app sos_serial users --help`)."""
from __future__ import annotations

import secrets
from datetime import timedelta

import click
from flask.cli import AppGroup

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.limits import MAX_ID
from sos_serial.models import ApiToken, User
from sos_serial.models._columns import utcnow
from sos_serial.models.api_token import as_utc
from sos_serial.models.user import ROLES

from . import audit
from .password_policy import password_problem

users_cli = AppGroup("users", help="Create, deactivate and sign out users; reset passwords; issue and revoke API tokens.")


def _user(name: str) -> User:
    user = db.session.query(User).filter_by(username=name.strip()).one_or_none()
    if user is None:
        raise click.ClickException(f"There is no user named {name}.")
    return user


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem is not None:
        raise click.ClickException(f"{problem} Nothing was changed.")


def _moment(value) -> str:
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC") if value is not None else "-"


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin, clerk or support")
@click.option("--password", help="The password (at least 12 characters, not a common one, not the name); "
              "omit it to have one generated and printed.")
@click.option("--if-missing", is_flag=True, help="Do nothing if the user already exists.")
def create_user(name: str, role: str, password: str | None, if_missing: bool) -> None:
    """Create user NAME with one role."""
    name = name.strip()
    if not name:
        raise click.UsageError("The user name is empty.")
    existing = db.session.query(User).filter_by(username=name).one_or_none()
    if existing is not None:
        if if_missing:
            click.echo(f"User {name} already exists ({existing.role}); left as it is.")
            return
        raise click.ClickException(f"A user named {name} already exists.")
    generated = password is None
    if generated:
        password = secrets.token_urlsafe(12)
    else:
        _check_password(password, name)
    user = User(username=name, role=role)
    user.set_password(password)
    try:
        with unit_of_work(db.session):
            db.session.add(user)
            audit.record(db.session, action="user.created", target=user, detail={"role": role})
    except Conflict:  # created by someone else since the check above
        raise click.ClickException(f"A user named {name} already exists.") from None
    click.echo(f"Created {role} user {name}.")
    if generated:
        click.echo(f"Password for {name}: {password}")


@users_cli.command("token")
@click.argument("name")
@click.option("--expires-in", "days", type=click.IntRange(min=1, max=3650), metavar="DAYS",
              help="The token stops working after this many days; omit it for a token that works until revoked.")
def issue_token(name: str, days: int | None) -> None:
    """Issue a new API token for NAME; the token is printed alone on the last line."""
    with unit_of_work(db.session):
        user = _user(name)
        if not user.active:
            raise click.ClickException(f"The user {user.username} is deactivated; activate them first "
                                       f"(users activate {user.username}).")
        record, token = ApiToken.issue(user, timedelta(days=days) if days else None)
        db.session.add(record)
        audit.record(db.session, action="token.created", target=record, target_type="token",
                     target_label=f"API token of {user.username}",
                     detail={"user": user.username, "expires_in_days": days})
    expiry = f"expires {_moment(record.expires_at)}" if days else "does not expire"
    click.echo(f"API token {record.id} for {user.username} ({user.role}), {expiry}; it is shown only once:")
    click.echo(token)


@users_cli.command("deactivate")
@click.argument("name")
def deactivate_user(name: str) -> None:
    """Deactivate NAME: they can no longer sign in, their sessions end and their API tokens stop working."""
    with unit_of_work(db.session):
        user = _user(name)
        user.active = False
        user.end_sessions()
        audit.record(db.session, action="user.deactivated", target=user)
    click.echo(f"Deactivated {user.username}: signed out everywhere; their API tokens no longer work.")


@users_cli.command("activate")
@click.argument("name")
def activate_user(name: str) -> None:
    """Activate NAME again: they can sign in, and their API tokens that are not expired or revoked work again."""
    with unit_of_work(db.session):
        user = _user(name)
        user.active = True
        audit.record(db.session, action="user.activated", target=user)
    click.echo(f"Activated {user.username}.")


@users_cli.command("reset-password")
@click.argument("name")
@click.option("--generate", is_flag=True, help="Generate a password and print it once, instead of asking for one.")
def reset_password(name: str, generate: bool) -> None:
    """Set a new password for NAME (asked for twice, not echoed); every session of NAME ends."""
    username = _user(name).username  # an unknown name is told before the password is asked for
    if generate:
        password = secrets.token_urlsafe(12)
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        _check_password(password, username)
    with unit_of_work(db.session):
        user = _user(name)
        user.set_password(password)
        user.clear_sign_in_lock()
        audit.record(db.session, action="user.password_reset", target=user)
    click.echo(f"Password of {user.username} changed; they are signed out everywhere.")
    if generate:
        click.echo(f"Password for {user.username}: {password}")


@users_cli.command("unlock")
@click.argument("name")
def unlock_user(name: str) -> None:
    """Lift the lock that too many wrong passwords put on NAME, and forget those failures."""
    with unit_of_work(db.session):
        user = _user(name)
        user.clear_sign_in_lock()
        audit.record(db.session, action="user.unlocked", target=user)
    click.echo(f"{user.username} may sign in again; their failed sign-ins are forgotten.")


@users_cli.command("sign-out")
@click.argument("name")
def sign_out(name: str) -> None:
    """End every session of NAME at once, on every app process (their API tokens are left as they are)."""
    with unit_of_work(db.session):
        user = _user(name)
        user.end_sessions()
        audit.record(db.session, action="user.signed_out", target=user)
    click.echo(f"Signed {user.username} out everywhere.")


@users_cli.group("tokens")
def tokens_cli() -> None:
    """List and revoke API tokens."""


@tokens_cli.command("list")
@click.argument("name", required=False)
def list_tokens(name: str | None) -> None:
    """List the API tokens, of NAME only if given: id, user, created, last used, expires, state (never the token)."""
    query = db.session.query(ApiToken).join(ApiToken.user).order_by(ApiToken.id)
    if name is not None:
        query = query.filter(ApiToken.user_id == _user(name).id)
    records = query.all()
    if not records:
        click.echo("No API tokens." if name is None else f"No API tokens for {name.strip()}.")
        return
    now = utcnow()
    rows = [("ID", "USER", "CREATED", "LAST USED", "EXPIRES", "STATE")]
    for record in records:
        state = "revoked" if record.revoked_at is not None else (
            "expired" if record.expires_at is not None and as_utc(record.expires_at) <= now else (
                "user deactivated" if not record.user.active else "active"))
        expires = _moment(record.expires_at) if record.expires_at is not None else "never"
        rows.append((str(record.id), record.user.username, _moment(record.created_at),
                     _moment(record.last_used_at), expires, state))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())


@tokens_cli.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke the API token ID (from `users tokens list`): it stops working at once, for good."""
    with unit_of_work(db.session):
        record = db.session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
        if record is None:
            raise click.ClickException(f"There is no API token with id {token_id}; see: users tokens list")
        if record.revoked_at is not None:
            click.echo(f"API token {token_id} of {record.user.username} was already revoked "
                       f"on {_moment(record.revoked_at)}.")
            return
        record.revoked_at = utcnow()
        audit.record(db.session, action="token.revoked", target=record, target_type="token",
                     target_label=f"API token of {record.user.username}", detail={"user": record.user.username})
    click.echo(f"Revoked API token {token_id} of {record.user.username}.")
