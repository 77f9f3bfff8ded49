"""The invariant check: `flask --app sos_serial check` names every record that breaks the books and exits 1."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from sos_serial.engine.invariants import CHECKS, find_problems
from sos_serial.extensions import db


@click.command("check")
@with_appcontext
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="At most this many findings of each kind are printed.")
@click.option("--quiet", is_flag=True, help="No progress display (it goes to standard error).")
def check(limit: int, quiet: bool) -> None:
    """Check the whole database: units in one place, quantities, values and cost layers, every unit's history.

    Prints each problem naming its record and exits 1; exits 0 when nothing is wrong. Nothing is written."""
    # Progress goes to standard error and only to a terminal, so the findings on standard output stay plain text.
    console = Console(file=sys.stderr)
    if quiet or not console.is_terminal:
        report = find_problems(db.session, limit=limit)
    else:
        report = _with_progress(console, limit)
    looked_at = f"{report.units:,} units, {report.items:,} items, {report.documents:,} documents"
    if report.clean:
        click.echo(f"No problems found in {looked_at}.")
        return
    for finding in report.findings:
        click.echo(f"[{finding.rule}] {finding}")
    more = f" (at most {limit} of each kind shown; there are more)" if report.cut_short else ""
    count = len(report.findings)
    click.echo(f"{count:,} problem{'' if count == 1 else 's'} found in {looked_at}{more}.", err=True)
    sys.exit(1)


def _with_progress(console: Console, limit: int):
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("Checking", total=len(CHECKS))
        started = []

        def on_check(step) -> None:
            if started:
                progress.advance(task)
            started.append(step)
            progress.update(task, description=step.label)

        report = find_problems(db.session, limit=limit, on_check=on_check)
        progress.advance(task)
    return report
