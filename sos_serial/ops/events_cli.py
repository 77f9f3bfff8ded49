"""The events worker: `flask --app sos_serial events run` delivers the outbox until stopped.

Run one or more beside the app processes (a systemd unit, a container); each claims its own
deliveries, so several workers never send one delivery twice at the same time. A database that
goes away (a restart, a failover) pauses the worker, which carries on once it is back.
"""
from __future__ import annotations

import logging
import signal
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from sos_serial.database.unavailable import rollback_quietly
from sos_serial.engine.event_delivery import DeliverySettings, deliver_due, due_count, retry
from sos_serial.errors import Unavailable
from sos_serial.extensions import db
from sos_serial.plugins import SWITCH_WATCH_KEY, hook

log = logging.getLogger(__name__)
events_cli = AppGroup("events", help="Deliver the events outbox to plugins and webhooks.")


@events_cli.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              help="Seconds to wait when nothing is due.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a webhook receiver has to answer.")
@click.option("--lease", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds a claimed delivery stays this worker's; a worker that dies leaves it due after that.")
def run(once: bool, interval: float, timeout: float, lease: float) -> None:
    """Deliver due events, retrying failures with backoff, until stopped (Ctrl-C or SIGTERM)."""
    settings = DeliverySettings(timeout=timeout, lease=timedelta(seconds=max(lease, timeout + 1)))
    rules = hook()
    # A plugin an administrator switches off meanwhile is noticed as a request would notice it.
    switches = current_app.extensions[SWITCH_WATCH_KEY]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    totals = {"delivered": 0, "retrying": 0, "failed": 0}
    while not stopping:
        try:
            switches.refresh()
            report = deliver_due(db.session, rules, settings)
        except (DBAPIError, Unavailable) as exc:
            # The database went away (a write meeting it is told as Unavailable by the unit of work): wait for it
            # rather than exit, so a restart loses no worker.
            rollback_quietly(db.session)
            log.warning("The database is unavailable (%s); retrying in %.0f s",
                        type(getattr(exc, "orig", None) or exc).__name__, interval)
            if once:
                raise click.ClickException("The database is unavailable; nothing was delivered.") from None
            time.sleep(interval)
            continue
        for outcome in totals:
            totals[outcome] += len(getattr(report, outcome))
        if report.attempted:
            click.echo(f"Delivered {len(report.delivered)}, will retry {len(report.retrying)}, "
                       f"gave up on {len(report.failed)}.")
            continue  # more may be due right away
        if once:
            break
        time.sleep(interval)
    click.echo(f"Stopped: {totals['delivered']} delivered, {totals['retrying']} to retry, "
               f"{totals['failed']} given up ({due_count(db.session)} due now).")


@events_cli.command("retry")
@click.option("--webhook", "webhook_id", type=int, help="Only this webhook's deliveries.")
def retry_command(webhook_id: int | None) -> None:
    """Make every undelivered delivery due again now (failed ones get a fresh set of attempts)."""
    count = retry(db.session, webhook_id=webhook_id)
    click.echo(f"{count} deliveries are due again.")
