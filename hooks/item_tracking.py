"""Serial tracking is switched per item, on the plans that have it, and only with nothing on hand."""
from sos_serial.errors import Conflict, PermissionDenied
from sos_serial.hookspecs import hookimpl
from sos_serial.models import SerialUnit
from sos_serial.models.serial_unit import IN_STOCK, RENTED
from sos_serial.models.settings import SERIAL_PLANS
from sos_serial.money import format_money


@hookimpl
def validate_item_change(session, item, changes, settings):
    if "track_serials" not in changes:
        return
    old, new = changes["track_serials"]
    if new and not old:
        _check_can_start_tracking(item, settings, is_new=old is None and item.id is None)
    elif old and not new:
        _check_can_stop_tracking(session, item)


def _check_can_start_tracking(item, settings, is_new):
    if settings.plan not in SERIAL_PLANS:
        raise PermissionDenied(
            f"Serial tracking for {item.name} needs the Plus or Pro plan; this company is on "
            f"the {settings.plan.capitalize()} plan."
        )
    if is_new:
        return
    quantity = item.quantity_on_hand or 0
    value = item.value or 0
    if quantity or value:
        raise Conflict(
            f"{item.name} still has {quantity} on hand worth {format_money(value)}. Post an adjustment "
            f"that takes out {quantity} units and {format_money(value)} of value first (note the value), "
            "then turn on serial tracking and receive the units with their serial numbers."
        )


def _check_can_stop_tracking(session, item):
    with session.no_autoflush:
        units = (
            session.query(SerialUnit.id)
            .filter(SerialUnit.item_id == item.id, SerialUnit.status.in_((IN_STOCK, RENTED)))
            .count()
        )
    if units:
        raise Conflict(
            f"{item.name} has {units} serial units in stock or out on rental. Adjust them out "
            "before turning serial tracking off."
        )
