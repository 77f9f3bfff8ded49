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

from sos_serial.database.session_rules import rules_of
from sos_serial.errors import RuleFailed, SerialInventoryError
from sos_serial.hookspecs import hookimpl

log = logging.getLogger(__name__)

def _refuse_on_fault(hook_name: str, session):
    """The body of each wrapper below: run the other implementations, and turn a crash into a refusal."""
    try:
        return (yield)
    except SerialInventoryError:
        raise
    except Exception as exc:
        incident = secrets.token_hex(4)
        plugin, function = culprit(exc, _implementations(session, hook_name))
        log.error("Incident %s: the plugin '%s' crashed in the hook %s (%s); the save is refused.\n%s",
                  incident, plugin, hook_name, function,
                  "".join(traceback.format_exception(exc)).rstrip())
        raise RuleFailed(
            "A rule could not finish checking this save, so nothing was saved. "
            f"Tell your administrator incident {incident}.", incident=incident) from exc


def _implementations(session, hook_name: str) -> list:
    # The hook's implementations as pluggy registered them, each with its plugin's name (the entry
    # point's name for an installed plugin), found through the session like every rule call.
    try:
        return getattr(rules_of(session), hook_name).get_hookimpls()
    except Exception:  # a crash report must not crash: the traceback still names the module
        return []


def culprit(exc: BaseException, implementations=()) -> tuple[str, str]:
    """The plugin whose implementation raised ``exc``, and the function's name.

    pluggy does not say which implementation raised, so read the traceback: the frame of one of
    the hook's ``implementations`` names the plugin as it was registered (an installed plugin by
    its entry point's name). Without them, the first frame below the hook machinery gives the
    module (a module plugin's function, or a method of a plugin object, named by its class's module).
    """
    registered = {impl.function.__code__: impl.plugin_name for impl in implementations
                  if hasattr(impl.function, "__code__")}
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code in registered:
            return registered[frame.f_code], frame.f_code.co_qualname
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "?")
        if module.split(".")[0] == "pluggy" or module == __name__:
            continue
        return module, frame.f_code.co_qualname
    return "unknown", "unknown"


# One wrapper per hook, written out: a new checking hook needs its line here (a test holds that).
@hookimpl(wrapper=True, tryfirst=True)
def validate_item_change(session):
    return (yield from _refuse_on_fault("validate_item_change", session))


@hookimpl(wrapper=True, tryfirst=True)
def validate_serial_unit_change(session):
    return (yield from _refuse_on_fault("validate_serial_unit_change", session))


@hookimpl(wrapper=True, tryfirst=True)
def validate_bulk_statement(session):
    return (yield from _refuse_on_fault("validate_bulk_statement", session))


@hookimpl(wrapper=True, tryfirst=True)
def validate_history_write(session):
    return (yield from _refuse_on_fault("validate_history_write", session))


@hookimpl(wrapper=True, tryfirst=True)
def validate_serial_numbers(session):
    return (yield from _refuse_on_fault("validate_serial_numbers", session))


@hookimpl(wrapper=True, tryfirst=True)
def validate_transaction(session):
    return (yield from _refuse_on_fault("validate_transaction", session))


@hookimpl(wrapper=True, tryfirst=True)
def next_serial_numbers(session):
    return (yield from _refuse_on_fault("next_serial_numbers", session))
