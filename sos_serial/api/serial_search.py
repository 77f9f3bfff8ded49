"""The API's serial search: the ``q`` query argument as a prefix match on serial numbers."""
from flask import request

from sos_serial.engine.serial_search import prefix_conditions


def prefix_filter() -> list:
    return prefix_conditions(request.args.get("q"))

