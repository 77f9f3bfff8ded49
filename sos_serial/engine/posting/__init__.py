"""Posting a transaction: the single write path for stock and serial units.

Every save of a transaction, from an admin form, the API, the CLI or a fixture, comes here. A posting
loads what the document names (``loading``), checks the whole document, collecting every problem into
one refusal (``checks``), then writes with set-based statements (``writes``, ``statements``), all in one
unit of work: committed whole or not at all. Adding a unit on its own takes the same stock functions
(``unit_creation``).
"""
from __future__ import annotations

import logging
import time

from sqlalchemy.exc import IntegrityError

from sos_serial.database.session_rules import rules_of
from sos_serial.engine.custom_fields import NO_CUSTOM_FIELDS, CustomFields, check_custom_fields
from sos_serial.engine.event_delivery import AFTER_COMMIT, deliver_due
from sos_serial.engine.events import plugin_subscribers, record_transaction_posted
from sos_serial.engine.limits import Limits
from sos_serial.engine.posting_request import PostingRequest
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, SerialInventoryError
from sos_serial.models import Settings, Transaction

from .checks import (
    check_lines,
    check_plain_stock,
    check_repeats,
    check_serial_plan,
    check_size,
    check_units,
    expand_serial_ranges,
    number_auto_serials,
    resolve_serials,
    validate_serial_text,
)
from .context import PostingContext, is_serial_taken
from .loading import load_items, load_parties, load_units
from .unit_creation import create_serial_unit
from .void import void_transaction
from .writes import write

log = logging.getLogger(__name__)
DEFAULT_LIMITS = Limits()

__all__ = ["create_serial_unit", "post_transaction", "void_transaction"]


def post_transaction(session, request: PostingRequest, user=None, limits: Limits = DEFAULT_LIMITS, *,
                     fields: CustomFields = NO_CUSTOM_FIELDS) -> Transaction:
    """Check and post ``request``; commit and return the saved document, or raise and write nothing.

    ``limits`` are the app's (``Limits.from_config``); the documented defaults otherwise. ``fields``
    are the app's custom fields: the document's own (``request.custom_fields``) are checked against
    them, required ones included. The units a posting creates get no custom field values: a required
    serial-unit field is required only when a unit is added or edited directly. The posting's
    event goes into the outbox in the same transaction, then is offered to its subscribers at once.
    """
    started = time.perf_counter()
    rules = rules_of(session)
    with unit_of_work(session, _posting_conflict, posting=True):
        ctx = PostingContext(session, request, user, limits, rules)
        ctx.custom_fields = check_custom_fields(fields, "transaction", f"The {request.kind.label.lower()}",
                                                request.custom_fields, creating=True)
        check(ctx)
        document = write(ctx)
        # The event commits with the posting, or neither does.
        event_id = record_transaction_posted(session, document, ctx.user_id, plugin_subscribers(rules)).id
        # Read while the document is fresh: after the commit each attribute would cost a query.
        posted = _posting_fields(ctx, document, user)
    _log_posted(posted, started)
    _notify_posted(session, rules, event_id)
    return document


def _posting_fields(ctx: PostingContext, document: Transaction, user) -> dict:
    return {"event": "posting", "document_id": document.id, "number": document.number, "type": document.type,
            "lines": len(ctx.req.lines), "quantity": sum(abs(line.quantity) for line in ctx.req.lines),
            # Serial units received or moved; plain items' pieces are in the quantity.
            "units_moved": sum(len(keys) for keys in ctx.keys.values()),
            "user": getattr(user, "username", None)}


def _log_posted(posted: dict, started: float) -> None:
    # One line per posting for the operators (the JSON log lines, sos_serial/ops/logs.py add the request id).
    posted["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    log.info("Posted %s %s: %d lines, %d units in %.1f ms", posted["type"], posted["number"], posted["lines"],
             posted["units_moved"], posted["duration_ms"], extra={"fields": posted})


def check(ctx: PostingContext) -> None:
    """Every check of the document, in the order each one needs the last; refuses at the first phase that fails."""
    req = ctx.req
    numbering = any(line.auto_serials for line in req.lines)
    ctx.settings = Settings.current(ctx.session, for_update=numbering)
    # The size first, against the company's limits where its settings set them, the server's otherwise.
    ctx.limits = ctx.limits.with_settings(ctx.settings)
    check_size(ctx)
    expand_serial_ranges(ctx)
    load_parties(ctx)
    load_items(ctx)
    check_serial_plan(ctx)
    check_lines(ctx)
    resolve_serials(ctx)
    number_auto_serials(ctx)
    # Validated after numbering, so an integrator's serial rule sees automatic numbers as well as typed ones.
    validate_serial_text(ctx)
    # After numbering: an automatic number may equal a serial typed on another line.
    check_repeats(ctx)
    load_units(ctx)
    check_units(ctx)
    check_plain_stock(ctx)
    ctx.rules.validate_transaction(session=ctx.session, document=req, settings=ctx.settings, limits=ctx.limits)


def _notify_posted(session, rules, event_id: str) -> None:
    try:
        deliver_due(session, rules, AFTER_COMMIT, event_id=event_id)
    except Exception:  # the posting stands; what this attempt missed, the events worker delivers
        session.rollback()
        log.exception("Delivering event %s right after its posting failed; it stays in the outbox", event_id)


def _posting_conflict(exc: IntegrityError) -> SerialInventoryError:
    # Another clerk's posting committed the same new serial between our check and our insert.
    if is_serial_taken(exc):
        return Conflict("A serial number on this document was just received by another transaction. "
                        "Reload and check the serials, then post again.")
    return Conflict("This transaction conflicts with one posted at the same moment; nothing was saved. "
                    "Reload and try again.")
