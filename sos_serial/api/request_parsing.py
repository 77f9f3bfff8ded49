"""Reading request bodies and query strings, refusing bad input with the field it is in."""
from __future__ import annotations

from datetime import date

from flask import request

from sos_serial.engine.posting_request import MalformedRequest
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.money import to_money

MAX_PER_PAGE = 500
# The largest id, count or number the database's integer columns hold (PostgreSQL INTEGER).
MAX_INT = 2**31 - 1


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedRequest("The request body must be a JSON object (Content-Type: application/json).")
    if b"\\u0000" in request.get_data():
        refuse_nul_characters(data)
    return data


def refuse_nul_characters(value, where: str = "") -> None:
    """No text may hold a NUL character: PostgreSQL cannot store one, and no name or serial needs it."""
    if isinstance(value, str) and "\x00" in value:
        field = where or "body"
        raise InvalidInput(f"{field} holds a NUL character (\\u0000), which text cannot contain.",
                           [FieldError(field, "Holds a NUL character.")])
    if isinstance(value, dict):
        for key, item in value.items():
            refuse_nul_characters(key, where or "body")
            refuse_nul_characters(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul_characters(item, f"{where}[{index}]")


def refuse_unknown(data: dict, allowed, what: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InvalidInput(f"{what} has no field {', '.join(unknown)}.",
                           [FieldError(name, "Unknown field.") for name in unknown])


def text_field(data, name, *, max_length, required=False, allow_empty=False):
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidInput(f"{name} is required.", [FieldError(name, "Required.")])
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text.", [FieldError(name, "Must be text.")])
    value = value.strip()
    if not value and not allow_empty:
        if required:
            raise InvalidInput(f"{name} cannot be empty.", [FieldError(name, "Cannot be empty.")])
        return None
    if len(value) > max_length:
        raise InvalidInput(f"{name} can be at most {max_length} characters.", [FieldError(name, "Too long.")])
    return value


def bool_field(data, name):
    value = data.get(name)
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false.", [FieldError(name, "Must be true or false.")])
    return value


def id_field(data, name, *, nullable=False):
    value = data.get(name)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_INT:
        raise InvalidInput(f"{name} must be a record id.", [FieldError(name, "Must be a record id.")])
    return value


def money_field(data, name):
    try:
        amount = to_money(data.get(name), name)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, [FieldError(name, exc.message)]) from None
    if amount < 0:
        raise InvalidInput(f"{name} cannot be negative.", [FieldError(name, "Cannot be negative.")])
    return amount


def date_field(data, name):
    value = data.get(name)
    if value is None:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date of the form YYYY-MM-DD.",
                           [FieldError(name, "Must be YYYY-MM-DD.")]) from None


def query_int(name, *, default=None, minimum=1, maximum=MAX_INT):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number.", [FieldError(name, "Must be a whole number.")]) from None
    if value < minimum:
        raise InvalidInput(f"{name} must be at least {minimum}.", [FieldError(name, f"At least {minimum}.")])
    if maximum is not None and value > maximum:
        raise InvalidInput(f"{name} can be at most {maximum}.", [FieldError(name, f"At most {maximum}.")])
    return value


def pagination() -> tuple[int, int]:
    page = query_int("page", default=1)
    per_page = min(query_int("per_page", default=50, maximum=None), MAX_PER_PAGE)
    return page, per_page
