"""`flask --app sos_serial serials import FILE`: a file of serials received into stock, checked whole, posted in parts."""
from __future__ import annotations

import os
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from sos_serial.engine.custom_fields import CUSTOM_FIELDS_KEY
from sos_serial.engine.limits import LIMITS_KEY
from sos_serial.engine.serial_import import DEFAULT_PART_SIZE, check_serial_file, serial_file_parts
from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db
from sos_serial.limits import MEMO_MAX_LENGTH
from sos_serial.models import Item, Location, User

serials_cli = AppGroup("serials", help="Serial units in bulk: import a file of serials into stock.")


@serials_cli.command("import")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--item", "item_text", required=True, help="The item's SKU or name.")
@click.option("--location", "location_text", required=True, help="The location the units are received into.")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="The receipts' date (default: today).")
@click.option("--cost", help="Each unit's cost, such as 149.99 (default: the item's cost).")
@click.option("--part-size", type=click.IntRange(min=1), default=DEFAULT_PART_SIZE, show_default=True,
              help="Serials per item receipt.")
@click.option("--from-part", type=click.IntRange(min=1), default=1,
              help="Post from this part on (after a stop: the parts before it are posted already).")
@click.option("--user", "username", help="The user the receipts are recorded as.")
@click.option("--quiet", is_flag=True, help="No progress display (it goes to standard error).")
def import_serials(path, item_text, location_text, on, cost, part_size, from_part, username, quiet) -> None:
    """Receive the serials of FILE into stock: a CSV file or one serial a line, posted as item receipts of
    --part-size serials each ("Import FILE (part k of n)").

    The whole file is checked first, and refused, naming each bad line, before anything is posted.
    A part refused while posting (something changed meanwhile) stops the import: the parts posted before
    it are named, and --from-part posts the rest."""
    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction

    session = db.session
    item = _item(session, item_text)
    location = _one(session, Location, location_text, "location")
    user = None
    if username:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise click.ClickException(f"There is no user named {username}.")
    # Plain values: each posted part's objects are let go (memory holds one part), these with them.
    item_id, item_name, location_id, location_name = item.id, item.name, location.id, location.name
    limits = current_app.extensions[LIMITS_KEY]
    if part_size > limits.serials_per_document:
        raise click.ClickException(f"A part can hold at most {limits.serials_per_document:,} serials, the most one "
                                   f"document may carry; --part-size {part_size:,} is more.")
    on = (on.date() if on else date.today()).isoformat()
    name = os.path.basename(path)
    console = Console(file=sys.stderr)
    showing = not quiet and console.is_terminal
    with _progress(console, showing) as progress:
        task = progress.add_task(f"Checking {name}", total=None)
        try:
            plan = check_serial_file(session, path, item, part_size=part_size, from_part=from_part,
                                     on_progress=lambda n: progress.update(task, completed=n))
        except SerialInventoryError as exc:
            session.rollback()
            progress.stop()
            _refused(exc)
        session.rollback()
        progress.update(task, description=f"Posting {name}", completed=0,
                        total=plan.serials - (from_part - 1) * part_size)
        posted = []
        for part in serial_file_parts(path, part_size, from_part=from_part):
            memo = _memo(name, part.number, plan.parts)
            document = {"type": "item_receipt", "date": on, "location_id": location_id, "memo": memo,
                        "lines": [{"item_id": item_id, "quantity": len(part.serials), "serials": part.serials,
                                   **({"unit_cost": cost} if cost is not None else {})}]}
            try:
                receipt = post_transaction(session, read_document(document), user, limits,
                                           fields=current_app.extensions[CUSTOM_FIELDS_KEY])
            except SerialInventoryError as exc:
                progress.stop()
                _stopped(exc, part, plan, posted, path)
            # The part's number, its serials counted and the receipt: its serials are let go.
            posted.append((part.number, len(part.serials), receipt.number))
            session.expunge_all()  # what a posted part loaded is not kept: memory holds one part
            progress.update(task, advance=len(part.serials))
            if not showing:
                click.echo(f"Posted {receipt.number}: part {part.number} of {plan.parts}, lines "
                           f"{part.first_line}-{part.last_line}, {len(part.serials):,} serials.")
    total = sum(count for _, count, _ in posted)
    click.echo(f"Imported {total:,} serials of {item_name} into {location_name} in {len(posted)} item "
               f"receipt{'' if len(posted) == 1 else 's'}: {_numbers(posted)}.")


def _progress(console, showing):
    # Off a terminal (a pipe, a log, a test) the progress writes nothing at all, not even its closing line break.
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console if showing else Console(quiet=True), disable=not showing, transient=True)


def _item(session, text: str) -> Item:
    """The item with this SKU, or else this name (letter case ignored)."""
    wanted = text.strip()
    item = session.scalar(select(Item).where(Item.sku == wanted))
    return item if item is not None else _one(session, Item, wanted, "item")


def _one(session, model, text: str, what: str):
    found = session.scalars(select(model).where(func.lower(model.name) == text.strip().lower()).limit(2)).all()
    if len(found) != 1:
        raise click.ClickException(f"There is no {what} named {text}." if not found else
                                   f"More than one {what} is named {text}.")
    return found[0]


def _memo(name: str, number: int, parts: int) -> str:
    words = f" (part {number} of {parts})"
    room = MEMO_MAX_LENGTH - len("Import ") - len(words)
    return f"Import {name[:room]}{words}"


def _numbers(posted) -> str:
    numbers = [number for _, _, number in posted]
    return ", ".join(numbers) if len(numbers) <= 6 else f"{numbers[0]} to {numbers[-1]}"


def _refused(exc: SerialInventoryError):
    click.echo(f"Not imported: {exc.message}", err=True)
    sys.exit(1)


def _stopped(exc: SerialInventoryError, part, plan, posted, path):
    done = (f"Parts {posted[0][0]} to {posted[-1][0]} were posted ({_numbers(posted)})."
            if posted else "No part of it was posted.")
    click.echo(f"Stopped at part {part.number} of {plan.parts} (lines {part.first_line}-{part.last_line}): "
               f"{exc.message} {done} Nothing from part {part.number} on was posted: once the problem is put "
               f"right, import the same file again with --from-part {part.number}.", err=True)
    sys.exit(1)
