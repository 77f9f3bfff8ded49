"""The serial screens on a plan without serial tracking: out of the menu, and a page saying why instead of the screen."""
from __future__ import annotations

from flask import g
from werkzeug.exceptions import Forbidden

from sos_serial.engine.plan_gating import no_serial_tracking_message, serial_tracking_on
from sos_serial.extensions import db
from sos_serial.models import Settings

from .error_pages import error_page


def _settings() -> Settings:
    # Asked by every serial screen's menu entry: read once per request.
    if "sos_settings" not in g:
        g.sos_settings = Settings.current(db.session)
    return g.sos_settings


class SerialPlanOnly:
    """Mixin (first among the bases) of a screen of serial units: shown only on a plan with serial tracking."""

    def is_visible(self) -> bool:
        return serial_tracking_on(_settings()) and super().is_visible()

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        settings = _settings()
        if not serial_tracking_on(settings):
            return error_page(Forbidden(), title="Not on this plan", text=no_serial_tracking_message(settings))
        return None


def serial_plan_context() -> dict:
    """For every template: whether the company's plan tracks serials (the navigation bar's serial box asks)."""
    return {"serial_tracking_on": lambda: serial_tracking_on(_settings())}
