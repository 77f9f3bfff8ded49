"""The module's own rules, as pluggy hook implementations (imported as sos_serial.hooks).

Each file is one rule family and is registered as its own plugin through the
``sos_serial`` entry point group, exactly as a third-party plugin would be.
"""
if __name__ != "sos_serial.hooks":
    # A second copy loaded by its bare folder name would register every rule twice.
    raise ImportError(
        f"This package must be imported as 'sos_serial.hooks', not as '{__name__}'. "
        "Install the project (pip install -e .) and import it through sos_serial."
    )

BUILTIN_RULES = (
    "sos_serial.hooks.item_tracking",
    "sos_serial.hooks.stock_quantities",
    "sos_serial.hooks.serial_unit_locks",
    "sos_serial.hooks.history_append_only",
    "sos_serial.hooks.serial_numbers",
    "sos_serial.hooks.auto_numbering",
    "sos_serial.hooks.fail_closed",
)
