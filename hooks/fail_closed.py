"""A rule that crashes refuses the save: it never lets a write through unchecked.

Wraps every checking and numbering hook. A rule's own refusal (one of sos_serial.errors) passes
through as it is; any other exception is logged and turned into ``RuleFailed``, whose message
tells the clerk that nothing was saved and what failed, while the posting rolls back.
"""
import logging

from sos_serial.errors import RuleFailed, SerialInventoryError
from sos_serial.hookspecs import hookimpl

log = logging.getLogger(__name__)


def _refuse_on_fault(hook_name: str):
    """The body of each wrapper below: run the other implementations, and turn a crash into a refusal."""
    try:
        return (yield)
    except SerialInventoryError:
        raise
    except Exception as exc:
        log.exception("The %s rule crashed; the save is refused", hook_name)
        raise RuleFailed(
            f"A rule could not finish checking this save ({hook_name}: {type(exc).__name__}: {exc}). "
            "Nothing was saved. Please tell your administrator.") from exc


# One wrapper per hook, written out: a new checking hook needs its line here (a test holds that).
@hookimpl(wrapper=True, tryfirst=True)
def validate_item_change():
    return (yield from _refuse_on_fault("validate_item_change"))


@hookimpl(wrapper=True, tryfirst=True)
def validate_serial_unit_change():
    return (yield from _refuse_on_fault("validate_serial_unit_change"))


@hookimpl(wrapper=True, tryfirst=True)
def validate_bulk_statement():
    return (yield from _refuse_on_fault("validate_bulk_statement"))


@hookimpl(wrapper=True, tryfirst=True)
def validate_history_write():
    return (yield from _refuse_on_fault("validate_history_write"))


@hookimpl(wrapper=True, tryfirst=True)
def validate_serial_numbers():
    return (yield from _refuse_on_fault("validate_serial_numbers"))


@hookimpl(wrapper=True, tryfirst=True)
def validate_transaction():
    return (yield from _refuse_on_fault("validate_transaction"))


@hookimpl(wrapper=True, tryfirst=True)
def next_serial_numbers():
    return (yield from _refuse_on_fault("next_serial_numbers"))
