"""The module's domain errors: what a rule raises, and what screens and the API show."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, e.g. field="lines[0].serials"."""

    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class SerialInventoryError(Exception):
    """Base of every refusal the module makes.

    ``message`` is written for the person reading it: the record, the rule and what
    to do next. ``errors`` lists field-level details when there are several.
    """

    status = 400
    title = "Bad request"

    def __init__(self, message: str, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])

    def __str__(self) -> str:
        return self.message


class InvalidInput(SerialInventoryError):
    """Values that cannot be accepted as given: missing serials, bad dates, wrong counts."""

    status = 422
    title = "Invalid input"


class Conflict(SerialInventoryError):
    """The request is well formed but conflicts with the current state of the inventory."""

    status = 409
    title = "Conflict"


class PermissionDenied(SerialInventoryError):
    """The user's role, or the company's plan, does not allow this."""

    status = 403
    title = "Forbidden"


class NotFound(SerialInventoryError):
    status = 404
    title = "Not found"


class Busy(SerialInventoryError):
    """Another save held the write lock for longer than a save waits: nothing was saved; try again shortly."""

    status = 503
    title = "Busy"
    retry_after = 5  # seconds, as the API's Retry-After says

    def __init__(self, message: str = ("Another save is in progress and held the database for too long; "
                                       "nothing was saved. Try again in a few seconds."),
                 errors: list[FieldError] | None = None):
        super().__init__(message, errors)


class Unavailable(SerialInventoryError):
    """The database could not serve the request at all (unreachable, restarting, out of disk): nothing was saved."""

    status = 503
    title = "Database unavailable"
    retry_after = 5  # seconds, as the API's Retry-After says
    UNREACHABLE = ("The inventory's database cannot be reached just now (it may be restarting); nothing was saved. "
                   "Try again in a few seconds.")
    DISK_FULL = ("The inventory's database has run out of disk space, so nothing was saved. "
                 "Ask your administrator to free space on the database's disk, then try again.")

    def __init__(self, message: str = UNREACHABLE, errors: list[FieldError] | None = None):
        super().__init__(message, errors)


class RuleFailed(SerialInventoryError):
    """A rule (built in or a plugin's) crashed instead of answering: the save is refused."""

    status = 500
    title = "A rule failed"

    def __init__(self, message: str, errors: list[FieldError] | None = None, *, incident: str | None = None):
        super().__init__(message, errors)
        # The id the log's entry carries, with the plugin, the hook and the traceback.
        self.incident = incident
