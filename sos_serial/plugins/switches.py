"""Switching third-party plugins off and on: kept in the database, so that every app process honours it.

Each process reads the switched-off set when it starts, and again at most every
``SOS_SERIAL_PLUGIN_SWITCH_SECONDS`` (2 by default) before a request: one read of the
``plugin_switches`` table, a few rows at most, by its primary key's index.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, NotFound
from sos_serial.models import PluginSwitch

from .manager import PluginManager

log = logging.getLogger(__name__)


def read_switched_off(engine) -> frozenset[str] | None:
    """The names switched off, or None if they cannot be read (a database not migrated yet, or down)."""
    try:
        with engine.connect() as conn:
            return frozenset(conn.scalars(select(PluginSwitch.name)))
    except DBAPIError as exc:
        log.warning("The plugin switches could not be read (%s); every loaded plugin stays on for now.",
                    type(exc.orig).__name__)
        return None


class SwitchWatch:
    """Applies the database's switches to one process's plugin manager, reading them at most every ``interval``."""

    def __init__(self, manager: PluginManager, engine, interval: float):
        self.manager, self.engine, self.interval = manager, engine, interval
        self.read_at = float("-inf")

    def refresh(self, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if now - self.read_at < self.interval:
            return
        self.read_at = now
        switched_off = read_switched_off(self.engine)
        if switched_off is not None and switched_off != self.manager.switched_off:
            self.manager.apply_switches(switched_off)

    def refresh_now(self) -> None:
        self.refresh(now=self.read_at + self.interval)


def _third_party(manager: PluginManager, name: str, doing: str) -> None:
    if name not in manager.loaded:
        known = ", ".join(n for n in manager.loaded if not manager.is_builtin(n)) or "none"
        raise NotFound(f"No plugin is loaded under the name '{name}'. Third-party plugins loaded: {known}.")
    if manager.is_builtin(name):
        raise Conflict(f"'{name}' is one of the module's own rules, so it cannot be {doing}: "
                       "without it, saves would go unchecked.")


def switch_off(session: Session, manager: PluginManager, name: str, by: str | None = None) -> None:
    """Switch the third-party plugin ``name`` off in every app process; the module's own rules are refused."""
    _third_party(manager, name, "switched off")
    with unit_of_work(session):
        if session.get(PluginSwitch, name) is None:
            session.add(PluginSwitch(name=name, switched_off_by=by))
    manager.apply_switches(manager.switched_off | {name})


def switch_on(session: Session, manager: PluginManager, name: str) -> None:
    """Switch the plugin ``name`` on again in every app process."""
    _third_party(manager, name, "switched on or off")
    with unit_of_work(session):
        session.execute(delete(PluginSwitch).where(PluginSwitch.name == name))
    manager.apply_switches(manager.switched_off - {name})
