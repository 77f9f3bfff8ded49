"""`flask db backup FILE`: a consistent copy of a live SQLite database, or the pg_dump command for PostgreSQL."""
from __future__ import annotations

import os
import shlex
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

# Pages copied per step: small enough that the app's writers wait at most a moment between steps.
PAGES_PER_STEP = 1024


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def backup_command(file: Path, force: bool) -> None:
    """Copy the SQLite database into FILE while the app runs (PostgreSQL: prints the pg_dump command)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        raise click.ClickException(
            "This database is PostgreSQL: back it up with pg_dump, which takes a consistent snapshot while the app "
            f"runs. For this database:\n  {pg_dump_command(url, file)}\n"
            "Give the password through PGPASSWORD or ~/.pgpass. Restore with pg_restore (see the README).")
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(f"There is no database file to back up at {url.render_as_string()}.")
    source = Path(url.database)
    if not source.is_file():
        raise click.ClickException(f"The database file {source} does not exist.")
    if file.exists() and not force:
        raise click.ClickException(f"{file} exists already. Choose another name, or add --force to replace it.")
    if file.resolve() == source.resolve():
        raise click.ClickException(f"{file} is the database itself. Choose another file.")
    backup_sqlite(source, file)
    click.echo(f"Backed up {source} to {file} ({file.stat().st_size:,} bytes).")


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` with SQLite's online backup API.

    The copy is consistent as of its last step: a save the app commits meanwhile makes SQLite restart the
    copy of the changed pages, and the app's writers are held up only for one step at a time. The copy is
    written beside the target and renamed into place, so ``target`` is never a half-written database.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with click.progressbar(length=1, label="Backing up", file=sys.stderr) as bar:
        def progress(_status, remaining, total):
            bar.length = max(total, 1)
            bar.update(total - remaining - bar.pos)

        reader = sqlite3.connect(source)
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer, pages=PAGES_PER_STEP, progress=progress)
        finally:
            writer.close()
            reader.close()
    os.replace(partial, target)


def pg_dump_command(url, file: Path) -> str:
    """The pg_dump command for ``url`` (its password left out), writing the custom format pg_restore reads."""
    words = ["pg_dump", "--format=custom", f"--file={file}"]
    if url.host:
        words.append(f"--host={url.host}")
    if url.port:
        words.append(f"--port={url.port}")
    if url.username:
        words.append(f"--username={url.username}")
    words.append(url.database or "")
    return shlex.join(words)
