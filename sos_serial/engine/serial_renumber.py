"""Correcting a unit's serial number: the same unit under the serial it should have had, its history kept."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sos_serial.database.session_rules import rules_of
from sos_serial.engine.plan_gating import require_serial_tracking
from sos_serial.engine.posting.context import is_serial_taken
from sos_serial.engine.unit_of_work import conflict_from_constraint, unit_of_work
from sos_serial.errors import Conflict, FieldError, InvalidInput, NotFound
from sos_serial.limits import SERIAL_MAX_LENGTH, TEXT_MAX_LENGTH
from sos_serial.models import SerialHistory, SerialUnit
from sos_serial.models.serial_history import RENUMBER
from sos_serial.models.serial_unit import looks_alike, serial_key

REASON_MAX = TEXT_MAX_LENGTH


def renumber_serial_unit(session, unit_id: int, serial_number, reason, user=None, on: date | None = None,
                         expected_version: int | Collection[int] | None = None) -> SerialUnit:
    """Give unit ``unit_id`` the serial ``serial_number`` instead of the one it was received under.

    Only the serial (and its key) changes; item, place, status and cost stay as the postings left them.
    The new serial passes the same rules as a new one (the ``validate_serial_numbers`` hook) and must
    be free for the item by key, look-alikes included. The unit's history gains a ``renumber`` row with
    the old and new serial, who made the correction and ``reason``. The write is a posting's for the
    rules (the guard sees the unit change and the history row); anything else about the unit stays locked.
    """
    problems = []
    if not isinstance(serial_number, str) or not serial_number.strip():
        problems.append(FieldError("serial_number", "Type or scan the corrected serial number."))
    elif len(serial_number.strip()) > SERIAL_MAX_LENGTH:
        problems.append(FieldError("serial_number", f"A serial number has at most {SERIAL_MAX_LENGTH} characters."))
    if not isinstance(reason, str) or not reason.strip():
        problems.append(FieldError("reason", "Say why the serial number is corrected; the unit's history keeps it."))
    elif len(reason) > REASON_MAX:
        problems.append(FieldError("reason", f"A reason has at most {REASON_MAX:,} characters."))
    if problems:
        raise InvalidInput("The serial number was not corrected: " + " ".join(p.message for p in problems), problems)
    new = serial_number.strip()

    def conflict(exc: IntegrityError):
        if is_serial_taken(exc):
            return Conflict(f"Serial {new} was saved for this item by someone else a moment ago; nothing was "
                            "changed.", [FieldError("serial_number", "Already exists for this item.")])
        return conflict_from_constraint(exc)

    with unit_of_work(session, conflict, posting=True):
        require_serial_tracking(session, "The serial number was not corrected")
        unit = session.scalars(select(SerialUnit).where(SerialUnit.id == unit_id).with_for_update(of=SerialUnit)
                               .execution_options(populate_existing=True)).one_or_none()
        if unit is None:
            raise NotFound(f"There is no serial unit with id {unit_id}.")
        expected = {expected_version} if isinstance(expected_version, int) else expected_version
        if expected is not None and unit.version not in expected:
            raise Conflict(f"Serial {unit.serial_number} of {unit.item.name} was changed by someone else after "
                           "you opened it; nothing was saved. Reload it, then correct the serial again.",
                           [FieldError("version", "The unit has changed since it was read.")])
        old = unit.serial_number
        if new == old:
            raise InvalidInput(f"{old} of {unit.item.name} already has that serial number; nothing was changed.",
                               [FieldError("serial_number", "The same as the current serial number.")])
        try:
            rules_of(session).validate_serial_numbers(session=session, item=unit.item, serial_numbers=[new],
                                                      document=None, line=None, new_serials=True)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, [FieldError("serial_number", exc.message)]) from None
        key = serial_key(new)
        holder = session.scalars(select(SerialUnit).where(SerialUnit.item_id == unit.item_id,
                                                          SerialUnit.serial_key == key,
                                                          SerialUnit.id != unit.id)).one_or_none()
        if holder is not None:
            same = (f"{new} looks the same as {holder.serial_number}, already a unit of {unit.item.name}"
                    if looks_alike(new, holder.serial_number) else
                    f"{holder.serial_number} of {unit.item.name} already exists")
            raise Conflict(f"Serial {old} was not renumbered: {same} ({holder.status.replace('_', ' ')}"
                           f"{' at ' + holder.place if holder.location_id or holder.customer_id else ''}).",
                           [FieldError("serial_number", "Already exists for this item.")])
        unit.serial_number, unit.serial_key = new, key
        unit.version += 1
        session.add(SerialHistory(
            serial_unit_id=unit.id, transaction_type=RENUMBER, date=on or date.today(), status=unit.status,
            location_id=unit.location_id, customer_id=unit.customer_id, user_id=getattr(user, "id", None),
            changes={"serial_number": [old, new], "reason": reason.strip()}))
    return unit
