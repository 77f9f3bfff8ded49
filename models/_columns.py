"""Column helpers shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.limits import NAME_MAX_LENGTH


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def created_at() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now(), nullable=False)


def updated_at() -> Mapped[datetime]:
    return mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now(), nullable=False
    )


def name_column(length: int = NAME_MAX_LENGTH) -> Mapped[str]:
    return mapped_column(String(length), nullable=False, unique=True)


def in_list(column: str, values) -> str:
    """SQL for a CHECK constraint limiting a column to a fixed set of words."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def only_where(condition: str) -> dict:
    """Keyword arguments making an ``Index`` partial, the same on PostgreSQL and SQLite."""
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


class NamedRecord:
    """Mixin for master records known by a unique name (locations, customers, vendors)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now(), nullable=False
    )

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.name!r}>"
