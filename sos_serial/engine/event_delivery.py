"""Delivering the outbox: each due delivery claimed, attempted on its own, and its outcome recorded.

A delivery is claimed by moving its ``next_attempt_at`` a lease ahead in one conditional UPDATE,
so two workers (or a worker and the after-commit attempt) never both take it; a worker killed
mid-delivery leaves it due again once the lease runs out. Webhooks are posted side by side, so a
slow or failing receiver delays no other; each outcome is committed as soon as it is known.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select, update

from sos_serial.models import EventDelivery, Transaction
from sos_serial.models._columns import utcnow
from sos_serial.models.event_delivery import DELIVERED, FAILED, PENDING

from .events import event_body
from .unit_of_work import unit_of_work

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Sos-Signature"
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=6)
ERROR_MAX = 500


@dataclass(frozen=True)
class DeliverySettings:
    """How deliveries are attempted; the worker command and the after-commit attempt set their own."""

    timeout: float = 10.0  # seconds a webhook receiver has to answer
    lease: timedelta = timedelta(minutes=2)  # longer than any one attempt can take
    limit: int = 100  # deliveries claimed at a time
    parallel: int = 8  # webhooks posted side by side


# Right after a posting commits, its own event is tried once while the clerk waits: a short timeout,
# since a receiver that is down must not hold up the screen; the worker retries what this misses.
AFTER_COMMIT = DeliverySettings(timeout=3.0, limit=1000)


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.delivered) + len(self.retrying) + len(self.failed)


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: HMAC-SHA256 of the raw body with the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th failure: 30 s, 1 min, 2 min, ... at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LAST_RETRY)


def deliver_due(session, hook, settings: DeliverySettings = DeliverySettings(), *, event_id: str | None = None,
                webhook_id: int | None = None) -> DeliveryReport:
    """Attempt every delivery due now (of one event or one webhook, when given); return what happened."""
    report = DeliveryReport()
    claimed = _claim(session, settings, event_id, webhook_id)
    if not claimed:
        return report
    deliveries = session.scalars(select(EventDelivery).where(EventDelivery.id.in_(claimed))
                                 .order_by(EventDelivery.id)).all()
    bodies = {}
    for delivery in deliveries:
        if delivery.event_id not in bodies:
            bodies[delivery.event_id] = event_body(session, delivery.event)
    webhooks = [d for d in deliveries if d.webhook_id is not None]
    plugins = [d for d in deliveries if d.webhook_id is None]
    with ThreadPoolExecutor(max_workers=settings.parallel) as pool:
        # Only the HTTP requests run in threads; every database write stays in this one.
        posted = {d.id: pool.submit(_post, d.webhook.url, d.webhook.secret, bodies[d.event_id], settings.timeout)
                  for d in webhooks if d.webhook.active}
        for delivery in plugins:
            _record(session, delivery, *_call_plugin(session, hook, delivery, bodies[delivery.event_id]), report)
        for delivery in webhooks:
            outcome = posted[delivery.id].result() if delivery.id in posted else (None, "The webhook is inactive.")
            _record(session, delivery, *outcome, report)
    return report


def retry(session, *, webhook_id: int | None = None, delivery_ids=None) -> int:
    """Make undelivered deliveries due now (failed ones get a fresh set of attempts); return how many."""
    statement = update(EventDelivery).where(EventDelivery.status != DELIVERED)
    if webhook_id is not None:
        statement = statement.where(EventDelivery.webhook_id == webhook_id)
    if delivery_ids is not None:
        statement = statement.where(EventDelivery.id.in_(list(delivery_ids)))
    with unit_of_work(session):
        result = session.execute(statement.values(status=PENDING, attempts=0, next_attempt_at=utcnow())
                                 .execution_options(synchronize_session=False))
    return result.rowcount


def _claim(session, settings: DeliverySettings, event_id, webhook_id) -> list[int]:
    now = utcnow()
    due = select(EventDelivery.id).where(EventDelivery.status == PENDING, EventDelivery.next_attempt_at <= now)
    if event_id is not None:
        due = due.where(EventDelivery.event_id == event_id)
    if webhook_id is not None:
        due = due.where(EventDelivery.webhook_id == webhook_id)
    due = due.order_by(EventDelivery.next_attempt_at, EventDelivery.id).limit(settings.limit)
    # Looking is a read, so an idle worker never takes SQLite's write lock; only a claim writes.
    ids = session.scalars(due).all()
    session.rollback()
    if not ids:
        return []
    with unit_of_work(session):
        # The condition is checked again by the UPDATE itself: whoever commits first takes a delivery.
        claimed = session.scalars(
            update(EventDelivery)
            .where(EventDelivery.id.in_(ids), EventDelivery.status == PENDING, EventDelivery.next_attempt_at <= now)
            .values(next_attempt_at=now + settings.lease, attempts=EventDelivery.attempts + 1, last_attempt_at=now)
            .returning(EventDelivery.id)
            .execution_options(synchronize_session=False)).all()
    return sorted(claimed)


def _post(url: str, secret: str, body: dict, timeout: float) -> tuple[int | None, str | None]:
    # The forms and the API take http(s) addresses only; a row written another way (a script, SQL) must not
    # make urllib read a file: or ftp: address either.
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return None, "The receiver's address is not an http:// or https:// address, so nothing was sent."
    raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
    request = urllib.request.Request(url, data=raw, method="POST", headers={  # noqa: S310 - http(s) only, as above
        "Content-Type": "application/json", SIGNATURE_HEADER: sign(raw, secret),
        "User-Agent": "sos-serial-webhooks"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"The receiver answered {exc.code} {exc.reason}."
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"The receiver could not be reached: {reason}."


def _call_plugin(session, hook, delivery: EventDelivery, body: dict) -> tuple[int | None, str | None]:
    name = delivery.subscriber.removeprefix("plugin:")
    impl = next((i for i in hook.transaction_posted.get_hookimpls() if i.plugin_name == name), None)
    if impl is None:
        return None, f"The plugin {name} is not loaded."
    arguments = {"document": session.get(Transaction, body["data"]["transaction"]["id"]),
                 "units": body["data"]["units"], "event_id": body["id"]}
    try:
        impl.function(**{name: arguments[name] for name in impl.argnames})
    except Exception as exc:  # the subscriber's own failure: retried later, never the others' concern
        log.exception("The transaction_posted hook failed in the plugin %s for event %s (%s); it will be retried",
                      name, body["id"], body["data"]["transaction"]["number"])
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        # A plugin may have read or written through the session: its work is its own, not half of ours.
        session.rollback()
    return 200, None


def _record(session, delivery: EventDelivery, status_code: int | None, error: str | None,
            report: DeliveryReport) -> None:
    now, attempts = utcnow(), delivery.attempts
    values = {"last_status_code": status_code, "last_attempt_at": now,
              "last_error": error[:ERROR_MAX] if error else None}
    if error is None and status_code is not None and 200 <= status_code < 300:
        values.update(status=DELIVERED, delivered_at=now)
        report.delivered.append(delivery.id)
    elif attempts >= MAX_ATTEMPTS:
        values.update(status=FAILED)
        report.failed.append(delivery.id)
    else:
        values.update(next_attempt_at=now + retry_delay(attempts))
        report.retrying.append(delivery.id)
    # Only while the claim is ours: a retry requested meanwhile starts the delivery afresh.
    with unit_of_work(session):
        session.execute(update(EventDelivery).where(EventDelivery.id == delivery.id, EventDelivery.status == PENDING,
                                                    EventDelivery.attempts == attempts)
                        .values(**values).execution_options(synchronize_session=False))


def due_count(session) -> int:
    """How many deliveries are waiting for an attempt now."""
    return session.scalar(select(func.count()).select_from(EventDelivery)
                          .where(EventDelivery.status == PENDING, EventDelivery.next_attempt_at <= utcnow()))

