"""Example plugin: serial numbers of chosen items must match a pattern.

Configure it in the app's config (or the environment):
    SOS_SERIAL_PATTERNS = {"Armenian Mantel Clock": r"CLK-\\d{4}"}
"""
import json
import os
import re

from flask import current_app

from sos_serial.errors import InvalidInput
from sos_serial.hookspecs import hookimpl


def _patterns() -> dict[str, str]:
    configured = current_app.config.get("SOS_SERIAL_PATTERNS")
    if configured is None:
        configured = json.loads(os.environ.get("SOS_SERIAL_PATTERNS", "{}"))
    return configured


@hookimpl
def validate_serial_numbers(item, serial_numbers, new_serials):
    # Only new serials must follow the pattern: units received before the rule may still ship.
    pattern = _patterns().get(item.name)
    if pattern is None or not new_serials:
        return
    compiled = re.compile(pattern)
    wrong = [s for s in serial_numbers if not compiled.fullmatch(s)]
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise InvalidInput(f"Serials of {item.name} must look like {pattern}; these do not: {shown}.")
