"""A serial unit's item, serial, status, place and cost change only by posting a transaction.

A direct edit (an admin form, an API PATCH, a script) may change the warranty dates and
notes, nothing else. A unit is created directly only through the posting code's
``create_serial_unit``, which records its first history row.
"""
from sos_serial.errors import Conflict
from sos_serial.hookspecs import hookimpl
from sos_serial.models.serial_unit import LOCKED_FIELD_LABELS

HOW_TO_CHANGE = {
    "location": "a transfer, shipment or return",
    "customer": "a shipment or a return",
    "status": "a shipment, return or adjustment",
}


@hookimpl
def validate_serial_unit_change(unit, changes, posting):
    if posting:
        return
    if unit.id is None:
        raise Conflict(
            f"Serial {unit.serial_number} can only be added through the Serial inventory's Add new, "
            "the API's POST /serials, or a transaction such as an item receipt."
        )
    locked = sorted({LOCKED_FIELD_LABELS[f] for f in changes if f in LOCKED_FIELD_LABELS})
    if locked:
        serial = changes["serial_number"][0] if "serial_number" in changes else unit.serial_number
        raise Conflict(locked_message(unit, serial, locked))


def locked_message(unit, serial, fields) -> str:
    """The refusal for a direct edit of locked fields, naming the unit as it is stored."""
    item = unit.item.name if unit.item is not None else f"item {unit.item_id}"
    how = "; ".join(f"the {f} by {HOW_TO_CHANGE[f]}" for f in fields if f in HOW_TO_CHANGE)
    return (
        f"Serial {serial} of {item}: the {', '.join(fields)} can only be changed by "
        f"posting a transaction{' (' + how + ')' if how else ''}. Editing a serial unit changes "
        "its warranty dates and notes only."
    )


@hookimpl
def validate_bulk_statement(table, columns, kind, posting):
    if posting or table != "serial_units":
        return
    if kind == "insert":
        raise Conflict("Serial units are added one at a time through Add new, or by posting a transaction.")
    if kind == "delete":
        raise Conflict(
            "Serial units are never deleted: their history must stay complete. Adjust a unit out instead."
        )
    locked = sorted({LOCKED_FIELD_LABELS[c] for c in columns if c in LOCKED_FIELD_LABELS})
    if locked:
        raise Conflict(
            f"A bulk edit cannot change serial units' {', '.join(locked)}: only posting a transaction can."
        )
