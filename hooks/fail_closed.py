"""A rule that crashes refuses the save: it never lets a write through unchecked.

Wraps every checking and numbering hook. A rule's own refusal (one of sos_serial.errors) passes
through as it is; any other exception is logged with the plugin that raised it, the hook, the
full traceback and a short incident id, and turned into ``RuleFailed``. The clerk and the API
client see only that nothing was saved and the incident id: the exception's own text may carry
SQL, its parameters or other data that is not theirs to read.
"""
import logging
import secrets
import traceback

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
        incident = secrets.token_hex(4)
        plugin, function = culprit(exc)
        log.error("Incident %s: the plugin '%s' crashed in the hook %s (%s); the save is refused.\n%s",
                  incident, plugin, hook_name, function,
                  "".join(traceback.format_exception(exc)).rstrip())
        raise RuleFailed(
            "A rule could not finish checking this save, so nothing was saved. "
            f"Tell your administrator incident {incident}.", incident=incident) from exc


def culprit(exc: BaseException) -> tuple[str, str]:
    """The module of the plugin whose implementation raised ``exc``, and the function's name.

    pluggy does not say which implementation raised, so read the traceback: the first frame
    below the hook machinery is the implementation pluggy called (a module plugin's function,
    or a method of a plugin object, named by its class's module).
    """
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "?")
        if module.split(".")[0] == "pluggy" or module == __name__:
            continue
        return module, frame.f_code.co_qualname
    return "unknown", "unknown"


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
