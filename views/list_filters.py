"""List filters for people: records picked from dropdowns read when the page is shown, dates before/after."""
from __future__ import annotations

from flask_admin.contrib.sqla.filters import (
    DateGreaterFilter,
    DateSmallerFilter,
    FilterEqual,
    FilterGreater,
    FilterSmaller,
)
from flask_admin.model.filters import BaseDateFilter
from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location
from sos_serial.security.request_input import parse_int


class LookupFilter(FilterEqual):
    """Equals one record picked from a dropdown; ``lookup()`` gives its (id, name) choices."""

    def __init__(self, column, name, lookup):
        super().__init__(column, name)
        self.lookup = lookup

    def get_options(self, view):
        # Flask-Admin reads options once, at start-up, outside any request: too early for the
        # database and never refreshed. LookupOptions reads them for each page instead.
        return None

    def lookup_options(self) -> list[tuple[str, str]]:
        return [(str(record_id), name) for record_id, name in self.lookup()]

    def validate(self, value):
        # Only an id a row can have: another value (past the column's range, not a number) is
        # refused with Flask-Admin's "Invalid Filter Value" instead of reaching the database.
        return parse_int(value, low=1) is not None

    def clean(self, value):
        return parse_int(value, low=1)


class LookupOptions:
    """Mixin for a ModelView: fills the dropdowns of its LookupFilters when a list page is shown."""

    def _get_filter_groups(self):
        groups = super()._get_filter_groups()
        for filters in (groups or {}).values():
            for entry in filters:
                flt = self._filters[entry["index"]]
                if isinstance(flt, LookupFilter):
                    entry["options"] = flt.lookup_options()
        return groups


class DateBeforeFilter(DateSmallerFilter):
    def operation(self):
        return "before"


class DateAfterFilter(DateGreaterFilter):
    def operation(self):
        return "after"


class DateFromFilter(FilterGreater, BaseDateFilter):
    """On or after the date."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= value)

    def operation(self):
        return "from"


class DateToFilter(FilterSmaller, BaseDateFilter):
    """On or before the date."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) <= value)

    def operation(self):
        return "to"


def tracked_items():
    return db.session.execute(
        select(Item.id, Item.name).where(Item.track_serials.is_(True)).order_by(Item.name)).all()


def locations():
    return db.session.execute(select(Location.id, Location.name).order_by(Location.name)).all()


def customers():
    return db.session.execute(select(Customer.id, Customer.name).order_by(Customer.name)).all()
