"""Command-line tools: the demo data and posting documents from files (`flask --app sos_serial --help`)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.extensions import db
from sos_serial.models import User

demo_cli = AppGroup("demo", help="Demo data.")
transactions_cli = AppGroup("transactions", help="Post transactions from files.")


@demo_cli.command("load")
def load_demo() -> None:
    """Load the demo locations, customers, vendors, warranties and items (idempotent)."""
    from sos_serial.fixtures import load_demo_data

    summary = load_demo_data(db.session, limits=current_app.extensions[LIMITS_KEY])
    click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in summary.items()) + ".")


@transactions_cli.command("post")
@click.argument("document", type=click.File("r", encoding="utf-8"))
@click.option("--user", "username", help="The user the posting is recorded as.")
def post_document(document, username: str | None) -> None:
    """Post DOCUMENT, a JSON file in the API's transaction shape ("-" reads standard input)."""
    import json

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.errors import SerialInventoryError

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
        posted = post_transaction(db.session, read_document(data), user, current_app.extensions[LIMITS_KEY],
                                  fields=current_app.extensions[CUSTOM_FIELDS_KEY])
    except SerialInventoryError as exc:
        details = "".join(f"\n  {problem.field}: {problem.message}" for problem in exc.errors)
        raise click.ClickException(f"Not posted: {exc.message}{details}") from None
    click.echo(f"Posted {posted.type_label.lower()} {posted.number} (id {posted.id}).")


def init_app(app) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(transactions_cli)


