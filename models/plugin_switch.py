"""A plugin switched off by an administrator: one row per switched-off third-party plugin, read by every app process."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import created_at

PLUGIN_NAME_MAX = 200


class PluginSwitch(db.Model):
    __tablename__ = "plugin_switches"

    # The name the plugin is registered under (its entry point's name).
    name: Mapped[str] = mapped_column(String(PLUGIN_NAME_MAX), primary_key=True)
    switched_off_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    switched_off_at: Mapped[datetime] = created_at()

    def __repr__(self) -> str:
        return f"<PluginSwitch {self.name!r} off>"
