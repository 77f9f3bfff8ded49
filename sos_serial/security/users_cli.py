"""The users command: create users and issue API tokens (`flask --app sos_serial users --help`)."""
from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.models import ApiToken, User
from sos_serial.models.user import ROLES

users_cli = AppGroup("users", help="Create users and issue API tokens.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin, clerk or support")
@click.option("--password", help="The password; omit it to have one generated and printed.")
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
    elif len(password) < 8:
        raise click.ClickException("The password must be at least 8 characters long.")
    user = User(username=name, role=role)
    user.set_password(password)
    try:
        with unit_of_work(db.session):
            db.session.add(user)
    except Conflict:  # created by someone else since the check above
        raise click.ClickException(f"A user named {name} already exists.") from None
    click.echo(f"Created {role} user {name}.")
    if generated:
        click.echo(f"Password for {name}: {password}")


@users_cli.command("token")
@click.argument("name")
def issue_token(name: str) -> None:
    """Issue a new API token for NAME; the token is printed alone on the last line."""
    with unit_of_work(db.session):
        user = db.session.query(User).filter_by(username=name.strip()).one_or_none()
        if user is None:
            raise click.ClickException(f"There is no user named {name}.")
        record, token = ApiToken.issue(user)
        db.session.add(record)
    click.echo(f"API token for {user.username} ({user.role}); it is shown only once:")
    click.echo(token)
