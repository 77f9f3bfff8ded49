"""Webhooks: administrators register URLs to be sent each posted transaction, and follow their deliveries."""
from flask import jsonify
from sqlalchemy import func, select

from sos_serial.engine.event_delivery import AFTER_COMMIT, deliver_due, retry
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import Event, EventDelivery
from sos_serial.models import Webhook as WebhookRecord
from sos_serial.plugins import hook

from . import bp, require
from .reading import body, query
from .schemas.common import page_of
from .schemas.webhooks import Delivery, RetryAnswer, Webhook, WebhookInput


@bp.post("/webhooks")
def create_webhook():
    require("manage_settings")
    given = body(WebhookInput, "The webhook")
    webhook = WebhookRecord(url=given.url, secret=given.secret, events=list(dict.fromkeys(given.events)),
                            active=True)
    with unit_of_work(db.session):
        db.session.add(webhook)
    return jsonify(Webhook.of(webhook)), 201


@bp.get("/webhooks")
def list_webhooks():
    require("manage_settings")
    page, per_page = query().window()
    total = db.session.scalar(select(func.count()).select_from(WebhookRecord))
    records = db.session.scalars(select(WebhookRecord).order_by(WebhookRecord.id)
                                 .limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(Webhook, records, total, page, per_page))


@bp.delete("/webhooks/<int:webhook_id>")
def delete_webhook(webhook_id):
    require("manage_settings")
    with unit_of_work(db.session):
        # Its deliveries go with it: nobody is left to send them to.
        db.session.delete(db.get_or_404(WebhookRecord, webhook_id))
    return "", 204


@bp.get("/webhooks/<int:webhook_id>/deliveries")
def list_deliveries(webhook_id):
    require("manage_settings")
    db.get_or_404(WebhookRecord, webhook_id)
    page, per_page = query().window()
    mine = EventDelivery.webhook_id == webhook_id
    total = db.session.scalar(select(func.count()).select_from(EventDelivery).where(mine))
    rows = db.session.execute(
        select(EventDelivery.event_id, Event.type.label("event_type"), EventDelivery.attempts, EventDelivery.status,
               EventDelivery.last_status_code, EventDelivery.last_attempt_at)
        .join(Event, Event.id == EventDelivery.event_id).where(mine)
        .order_by(EventDelivery.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(Delivery, rows, total, page, per_page))


@bp.post("/webhooks/<int:webhook_id>/retry")
def retry_webhook(webhook_id):
    require("manage_settings")
    db.get_or_404(WebhookRecord, webhook_id)
    retried = retry(db.session, webhook_id=webhook_id)
    report = deliver_due(db.session, hook(), AFTER_COMMIT, webhook_id=webhook_id)
    return jsonify(RetryAnswer.of({"retried": retried, "delivered": len(report.delivered),
                                   "failing": len(report.retrying) + len(report.failed)})), 202
