"""The version of a record as someone read it: a short digest of its values, for records without a version column.

An edit screen sends it back with the save, and the API answers it as an ``ETag``: a save made from a
reading that is no longer current is refused, not allowed to overwrite the change made since.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect


def _plain(value):
    """A value as it reads the same every time: a record by its key, a date in ISO form, money as text."""
    if isinstance(value, (list, tuple, set)):
        return [_plain(each) for each in value]
    if isinstance(value, dict):
        return {str(key): _plain(each) for key, each in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "__mapper__"):
        return [type(value).__name__, *(inspect(value).identity or ())]
    return value


def values_digest(values: dict) -> str:
    """The digest of ``values`` (names to values); equal values always give the same digest."""
    text = json.dumps(_plain(values), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def record_digest(record, names) -> str:
    """The digest of the ``names`` attributes of ``record`` as they are now."""
    return values_digest({name: getattr(record, name) for name in names})
