"""Webhooks and their deliveries: what an administrator registers and what the API shows of them."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from sos_serial.models.event import EVENT_TYPES
from sos_serial.models.event_delivery import DELIVERY_STATUSES
from sos_serial.models.webhook import SECRET_MAX, URL_MAX

from .common import Answer, Id, Page, Shape, Timestamp, one_message, text

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
DeliveryStatus = Literal[DELIVERY_STATUSES]  # type: ignore[valid-type]


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PydanticCustomError("url", "Give a full http:// or https:// address, e.g. https://example.com/hooks/sos.")
    return value


class WebhookInput(Shape):
    """POST /webhooks: where to send events, the secret each delivery is signed with, and which events."""

    url: Annotated[text(URL_MAX, required=True), AfterValidator(_http_url)]
    secret: text(SECRET_MAX, required=True)
    events: Annotated[list[Annotated[EventType, one_message(
        f"Each event must be one of {', '.join(EVENT_TYPES)}.")]], Field(min_length=1)]


class Webhook(Answer):
    """A webhook as the API shows it: never its secret."""

    id: Id
    url: str
    events: list[EventType]
    active: bool


class WebhookPage(Page[Webhook]):
    pass


class Delivery(Answer):
    """One event's delivery to the webhook: how many attempts, and how the last one went."""

    event_id: str
    event_type: EventType
    attempts: int = Field(ge=0)
    status: DeliveryStatus
    last_status_code: int | None
    last_attempt_at: Timestamp | None


class DeliveryPage(Page[Delivery]):
    pass


class RetryAnswer(Answer):
    """POST /webhooks/{id}/retry: how many deliveries were due again, and how the attempt went."""

    retried: int = Field(ge=0)
    delivered: int = Field(ge=0)
    failing: int = Field(ge=0)
