"""The outbox: a posting's event and its deliveries, written in the posting's own database transaction.

Writing the event with the posting, instead of notifying after the commit, means a crash between
the two loses nothing: the event is there whenever the posting is, and its deliveries say who has
yet to hear of it. The units an event reports are not copied into it: the posting's history rows
already hold each unit's state after the document, and the row before each one its state before.
"""
from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from sos_serial.models import Event, EventDelivery, SerialHistory, SerialUnit, Webhook
from sos_serial.models._columns import utcnow
from sos_serial.models.event import TRANSACTION_POSTED, TRANSACTION_VOIDED
from sos_serial.models.serial_history import VOID


def plugin_subscribers(hook) -> list[str]:
    """The plugins that implement ``transaction_posted``, each a subscriber of its own."""
    return [f"plugin:{impl.plugin_name}" for impl in hook.transaction_posted.get_hookimpls()]


def record_transaction_posted(session, document, user_id: int | None, subscribers: list[str]) -> Event:
    """Add the event of a posted ``document`` and a delivery for each subscriber and active webhook."""
    return _record(session, TRANSACTION_POSTED, document, user_id, subscribers, {})


def record_transaction_voided(session, document, user_id: int | None) -> Event:
    """Add the event of a voided ``document`` and a delivery for each active webhook that asked for it.

    Plugins are not subscribed: their hook, ``transaction_posted``, is called for postings only."""
    return _record(session, TRANSACTION_VOIDED, document, user_id, [], {"reason": document.void_reason})


def _record(session, event_type: str, document, user_id, subscribers: list[str], extra: dict) -> Event:
    event = Event(id=str(uuid.uuid4()), type=event_type, transaction_id=document.id, user_id=user_id,
                  data={"transaction": {"id": document.id, "number": document.number, "type": document.type,
                                        "date": document.date.isoformat(), **extra}})
    session.add(event)
    now = utcnow()
    for subscriber in subscribers:
        session.add(EventDelivery(event=event, subscriber=subscriber, next_attempt_at=now))
    for webhook in session.scalars(select(Webhook).where(Webhook.active).order_by(Webhook.id)):
        if event_type in webhook.events:
            session.add(EventDelivery(event=event, subscriber=webhook.subscriber, webhook_id=webhook.id,
                                      next_attempt_at=now))
    return event


def moved_units(session, transaction_id: int, voided: bool = False) -> list[dict]:
    """Each unit the transaction moved: its serial and item, where it was before and where after.

    With ``voided``, each unit its void put back: from where the document had left it to where it is now."""
    after, before, prior = SerialHistory, aliased(SerialHistory), aliased(SerialHistory)
    previous = (select(func.max(prior.id))
                .where(prior.serial_unit_id == after.serial_unit_id, prior.id < after.id)
                .correlate(after).scalar_subquery())
    rows = session.execute(
        select(SerialUnit.serial_number, SerialUnit.item_id,
               before.location_id, before.customer_id, before.status,
               after.location_id, after.customer_id, after.status)
        .select_from(after)
        .join(SerialUnit, SerialUnit.id == after.serial_unit_id)
        .outerjoin(before, before.id == previous)
        .where(after.transaction_id == transaction_id,
               after.transaction_type == VOID if voided else after.transaction_type != VOID)
        .order_by(after.id))
    return [{"serial_number": serial, "item_id": item_id,
             "from": {"location_id": from_location, "customer_id": from_customer, "status": from_status},
             "to": {"location_id": to_location, "customer_id": to_customer, "status": to_status}}
            for serial, item_id, from_location, from_customer, from_status, to_location, to_customer, to_status
            in rows]


def event_body(session, event: Event) -> dict:
    """The event as subscribers receive it (shared/API.md, Webhooks)."""
    units = moved_units(session, event.transaction_id, voided=event.type == TRANSACTION_VOIDED) \
        if event.transaction_id is not None else []
    created = event.created_at
    return {"id": event.id, "type": event.type,
            "created_at": created.isoformat() if created.tzinfo else created.isoformat() + "Z",
            "data": {**event.data, "units": units}}
