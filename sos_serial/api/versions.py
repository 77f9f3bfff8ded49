"""ETags and If-Match: the version of a record a client read, and a write refused when it is no longer current.

A serial unit's tag is its version column (``"v3"``); the other records' tags are a digest of the answer
as it reads now. A PATCH carrying ``If-Match`` (or a serial unit's ``version`` in the body) is applied
only if the record still reads as the client saw it; otherwise a 409 says so and nothing is written.
A PATCH with neither still works, last write winning, for clients from before 1.1: send one.
"""
from __future__ import annotations

from flask import request

from sos_serial.engine.record_versions import values_digest
from sos_serial.errors import Conflict, FieldError

IF_MATCH_FIELD = "If-Match"


def unit_tag(version: int) -> str:
    return f"v{version}"


def answer_tag(answer: dict) -> str:
    return values_digest(answer)


def with_tag(response, tag: str):
    response.set_etag(tag)
    return response


def asked_tags() -> frozenset[str] | None:
    """The strong tags of the request's If-Match; None when it sends none, or ``*`` (any current version)."""
    if "If-Match" not in request.headers:
        return None
    if_match = request.if_match
    if if_match.star_tag:
        return None
    # If-Match compares strongly: a weak tag (W/"...") never matches, so it refuses the write.
    return frozenset(tag for tag in if_match.as_set() if tag)


def asked_unit_versions() -> frozenset[int] | None:
    """The serial unit versions If-Match names; None when it names none (no header, or ``*``)."""
    tags = asked_tags()
    if tags is None:
        return None
    return frozenset(int(tag[1:]) for tag in tags
                     if tag[:1] == "v" and tag[1:].isascii() and tag[1:].isdigit() and len(tag) < 20)


def refuse_if_stale(current_tag: str, record: str) -> None:
    """A 409 if the request's If-Match does not name ``current_tag``; ``record`` names it ("The item Clock Oil")."""
    tags = asked_tags()
    if tags is not None and current_tag not in tags:
        raise Conflict(f"{record} was changed after you read it; nothing was saved. Read it again for its "
                       "current values and ETag, then send your change with that ETag in If-Match.",
                       [FieldError(IF_MATCH_FIELD, "The record has changed since this version was read.")])
