"""Direct edits of a serial unit: warranty dates, notes and custom fields only, each one recorded in its history."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select

from sos_serial.database.guard import posting_scope
from sos_serial.engine.custom_fields import NO_CUSTOM_FIELDS, CustomFields, check_custom_fields
from sos_serial.engine.plan_gating import require_serial_tracking
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.engine.warranty_dates import implausible_warranty_dates
from sos_serial.errors import Conflict, FieldError, InvalidInput, NotFound
from sos_serial.limits import TEXT_MAX_LENGTH
from sos_serial.models import SerialHistory, SerialUnit, User
from sos_serial.models.serial_history import EDIT
from sos_serial.models.serial_unit import LOCKED_FIELD_LABELS

# The unit's own columns a direct edit may change, then the plugins' custom fields.
EDITABLE_COLUMNS = ("warranty_start", "warranty_end", "notes")
EDITABLE = (*EDITABLE_COLUMNS, "custom_fields")
# The locked fields a client can name (serial_key is derived from serial_number, never sent).
LOCKED = tuple(name for name in LOCKED_FIELD_LABELS if name != "serial_key")
NOTES_MAX = TEXT_MAX_LENGTH


def _as_json(value):
    return value.isoformat() if isinstance(value, date) else value


def refuse_locked(fields) -> None:
    """A 409 if any locked field is named, whatever its value: only transactions change them."""
    locked = [name for name in LOCKED if name in fields]
    if locked:
        words = ", ".join(dict.fromkeys(LOCKED_FIELD_LABELS[name] for name in locked))
        raise Conflict(
            f"The {words} of a serial unit can only be changed by posting a transaction (a transfer, "
            "shipment, return or adjustment); editing a serial unit changes its warranty dates and notes "
            "only. Nothing was saved.",
            [FieldError(name, "Only transactions change it.") for name in locked])


def last_edit_words(session, unit_id: int) -> str:
    """Who made the unit's last direct edit, and when, as words for a refusal ("" when not known)."""
    row = session.scalars(select(SerialHistory).where(SerialHistory.serial_unit_id == unit_id,
                                                      SerialHistory.transaction_type == EDIT)
                          .order_by(SerialHistory.id.desc()).limit(1)).first()
    if row is None:
        return ""
    who = session.get(User, row.user_id) if row.user_id is not None else None
    when = row.recorded_at.strftime("%Y-%m-%d %H:%M") + " UTC" if row.recorded_at else row.date.isoformat()
    return f" (last changed by {who.username if who else 'an unnamed user'} on {when})"


def edit_serial_unit(session, unit_id: int, changes: dict, user=None,
                     expected_version: int | Collection[int] | None = None,
                     on: date | None = None, fields: CustomFields = NO_CUSTOM_FIELDS) -> SerialUnit:
    """Apply ``changes`` (some of warranty_start, warranty_end, notes, custom_fields) and record who changed what.

    ``expected_version`` is the version the editor's page showed (or the versions an API client's
    If-Match names): if the unit changed since, the edit is refused rather than silently
    overwriting the other correction, naming who made the last edit and when. ``custom_fields``
    holds the app's declared ``fields`` by name (None clears one); a locked one is refused, and
    each one changed is a ``custom_fields.NAME: [old, new]`` entry of the history row.
    """
    refuse_locked(changes)
    unknown = [name for name in changes if name not in EDITABLE]
    if unknown:
        raise InvalidInput(f"A serial unit has no editable field {', '.join(unknown)}.",
                           [FieldError(name, "Unknown field.") for name in unknown])
    with unit_of_work(session):
        require_serial_tracking(session, "Nothing was saved")
        # Lock the unit's row only (of=SerialUnit): PostgreSQL cannot lock the outer-joined warranty.
        unit = session.scalars(select(SerialUnit).where(SerialUnit.id == unit_id).with_for_update(of=SerialUnit)
                               .execution_options(populate_existing=True)).one_or_none()
        if unit is None:
            raise NotFound(f"There is no serial unit with id {unit_id}.")
        expected = {expected_version} if isinstance(expected_version, int) else expected_version
        if expected is not None and unit.version not in expected:
            raise Conflict(f"Serial {unit.serial_number} of {unit.item.name} was changed by someone else after "
                           f"you opened it{last_edit_words(session, unit.id)}; nothing was saved. Reload it to see "
                           "the current dates, then make your correction again.",
                           [FieldError("version", "The unit has changed since it was read.")])
        notes = changes.get("notes", unit.notes)
        if notes is not None and (not isinstance(notes, str) or len(notes) > NOTES_MAX):
            raise InvalidInput(f"Notes must be text of at most {NOTES_MAX:,} characters.",
                               [FieldError("notes", "Must be text.")])
        custom = None
        if "custom_fields" in changes:
            custom = check_custom_fields(fields, "serial_unit", f"Serial {unit.serial_number} of {unit.item.name}",
                                         changes["custom_fields"], stored=unit.custom_fields)
        start = changes.get("warranty_start", unit.warranty_start)
        end = changes.get("warranty_end", unit.warranty_end)
        if start is not None and end is not None and end < start:
            raise InvalidInput(
                f"The warranty of {unit.serial_number} cannot end ({end.isoformat()}) before it starts "
                f"({start.isoformat()}).",
                [FieldError("warranty_end", "The end is before the start.")])
        implausible = implausible_warranty_dates(unit.serial_number, start, end)
        if implausible:
            raise InvalidInput(implausible[0].message, implausible)
        recorded = {}
        if custom is not None and custom != unit.custom_fields:
            stored = unit.custom_fields or {}
            for name in sorted(set(stored) | set(custom)):
                if stored.get(name) != custom.get(name):
                    recorded[f"custom_fields.{name}"] = [stored.get(name), custom.get(name)]
            unit.custom_fields = custom
        for name in EDITABLE_COLUMNS:
            if name in changes and changes[name] != getattr(unit, name):
                recorded[name] = [_as_json(getattr(unit, name)), _as_json(changes[name])]
                setattr(unit, name, changes[name])
        if recorded:
            unit.version += 1
            # The unit's own change is checked as a direct edit; only the history row is the posting's.
            session.flush()
            with posting_scope(session):
                session.add(SerialHistory(
                    serial_unit_id=unit.id, transaction_type=EDIT, date=on or date.today(), status=unit.status,
                    location_id=unit.location_id, customer_id=unit.customer_id, user_id=getattr(user, "id", None),
                    changes=recorded))
                session.flush()
    return unit
