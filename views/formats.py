"""How every screen writes a value: Yes/No, dates, timestamps to the minute, money to its currency's places.

The one formatting module of the screens: the list and detail columns (``TYPE_FORMATTERS``), the
templates (the filters ``init_app`` adds) and the views' own column formatters all call these. The API
and the CSV exports keep values exact (money to the ten-thousandth, timestamps whole).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_admin.model import typefmt

# The company's currency and its minor-unit places (ISO 4217). No currency is kept in the settings
# yet: amounts are in the company's one currency, shown to two places.
CURRENCY = "USD"
CURRENCY_PLACES = {"USD": 2, "EUR": 2, "GBP": 2, "AMD": 2, "JPY": 0, "KWD": 3}

DATE_FORMAT = "%Y-%m-%d"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M"


def yes_no(value) -> str:
    if value is None:
        return ""
    return "Yes" if value else "No"


def date_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timestamp_text(value)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def timestamp_text(value) -> str:
    """To the minute: seconds and microseconds say nothing to a clerk."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIMESTAMP_FORMAT)
    return date_text(value)


def money_text(amount, currency: str = CURRENCY) -> str:
    """An amount to its currency's places, rounded half up: 88.1429 -> "88.14", 4.25 -> "4.25"."""
    if amount is None or amount == "":
        return ""
    places = CURRENCY_PLACES.get(currency, 2)
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP):.{places}f}"


def money_column(view, context, model, name) -> str:
    """A Flask-Admin column formatter for a money attribute."""
    return money_text(getattr(model, name))


def _yes_no_formatter(view, value, name=None):
    return yes_no(value)


def _date_formatter(view, value, name=None):
    return date_text(value)


def _timestamp_formatter(view, value, name=None):
    return timestamp_text(value)


def _decimal_formatter(view, value, name=None):
    return money_text(value)


# Lists and detail pages of every model screen (SecuredModelView). Exports keep Flask-Admin's own
# exact export formatters.
TYPE_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    bool: _yes_no_formatter,
    date: _date_formatter,
    datetime: _timestamp_formatter,
    Decimal: _decimal_formatter,
}
DETAIL_TYPE_FORMATTERS = {
    **typefmt.DETAIL_FORMATTERS,
    bool: _yes_no_formatter,
    date: _date_formatter,
    datetime: _timestamp_formatter,
    Decimal: _decimal_formatter,
}


def init_app(app) -> None:
    app.add_template_filter(money_text, "money")
    app.add_template_filter(yes_no, "yes_no")
    app.add_template_filter(date_text, "date")
    app.add_template_filter(timestamp_text, "timestamp")


__all__ = ["DETAIL_TYPE_FORMATTERS", "TYPE_FORMATTERS", "date_text", "init_app", "money_column",
           "money_text", "timestamp_text", "yes_no"]
