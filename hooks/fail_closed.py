"""A rule that crashes refuses the save: it never lets a write through unchecked.

Wraps every checking hook. A rule's own refusal (one of sos_serial.errors) passes through
as it is; any other exception is logged and turned into ``RuleFailed``, whose message tells
the clerk that nothing was saved and what failed, while the posting rolls back.
"""
import logging

from sos_serial.errors import RuleFailed, SerialInventoryError
from sos_serial.hookspecs import hookimpl

log = logging.getLogger(__name__)
CHECKING_HOOKS = (
    "validate_item_change", "validate_serial_unit_change", "validate_bulk_statement", "validate_history_write",
    "validate_serial_numbers", "validate_transaction", "next_serial_numbers",
)


def _fail_closed(hook_name: str):
    @hookimpl(wrapper=True, tryfirst=True)
    def wrapper():
        try:
            return (yield)
        except SerialInventoryError:
            raise
        except Exception as exc:
            log.exception("The %s rule crashed; the save is refused", hook_name)
            raise RuleFailed(
                f"A rule could not finish checking this save ({hook_name}: {type(exc).__name__}: {exc}). "
                "Nothing was saved. Please tell your administrator.") from exc

    wrapper.__name__ = hook_name
    return wrapper


for _name in CHECKING_HOOKS:
    globals()[_name] = _fail_closed(_name)
