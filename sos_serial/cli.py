"""Command-line tools: users and API tokens, and the demo data (`flask --app sos_serial --help`)."""
from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from .extensions import db
from sos_serial.models import ApiToken, User
from sos_serial.models.user import ROLES

users_cli = AppGroup("users", help="Create users and issue API tokens.")
demo_cli = AppGroup("demo", help="Demo data.")
transactions_cli = AppGroup("transactions", help="Post transactions from files.")


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
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(f"A user named {name} already exists.") from None
    click.echo(f"Created {role} user {name}.")
    if generated:
        click.echo(f"Password for {name}: {password}")


@users_cli.command("token")
@click.argument("name")
def issue_token(name: str) -> None:
    """Issue a new API token for NAME; the token is printed alone on the last line."""
    user = db.session.query(User).filter_by(username=name.strip()).one_or_none()
    if user is None:
        raise click.ClickException(f"There is no user named {name}.")
    record, token = ApiToken.issue(user)
    db.session.add(record)
    db.session.commit()
    click.echo(f"API token for {user.username} ({user.role}); it is shown only once:")
    click.echo(token)


@demo_cli.command("load")
def load_demo() -> None:
    """Load the demo locations, customers, vendors, warranties and items (idempotent)."""
    from sos_serial.fixtures import load_demo_data

    summary = load_demo_data(db.session)
    click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in summary.items()) + ".")


@transactions_cli.command("post")
@click.argument("document", type=click.File("r", encoding="utf-8"))
@click.option("--user", "username", help="The user the posting is recorded as.")
def post_document(document, username: str | None) -> None:
    """Post DOCUMENT, a JSON file in the API's transaction shape ("-" reads standard input)."""
    import json

    from .errors import SerialInventoryError
    from .posting import post_transaction
    from .posting_request import PostingRequest

    try:
        data = json.load(document)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{document.name} is not valid JSON: {exc}.") from None
    user = None
    if username:
        user = db.session.query(User).filter_by(username=username.strip()).one_or_none()
        if user is None:
            raise click.ClickException(f"There is no user named {username}.")
    try:
        posted = post_transaction(db.session, PostingRequest.from_dict(data), user)
    except SerialInventoryError as exc:
        details = "".join(f"\n  {problem.field}: {problem.message}" for problem in exc.errors)
        raise click.ClickException(f"Not posted: {exc.message}{details}") from None
    click.echo(f"Posted {posted.type_label.lower()} {posted.number} (id {posted.id}).")


def init_app(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(transactions_cli)


