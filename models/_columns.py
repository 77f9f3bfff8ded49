"""Column helpers shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.limits import ADDRESS_MAX_LENGTH, NAME_MAX_LENGTH

from .serial_search_index import is_search_table


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


def address() -> Mapped[str | None]:
    """A postal address, multi-line text; empty is none."""
    return mapped_column(String(ADDRESS_MAX_LENGTH))


def in_list(column: str, values) -> str:
    """SQL for a CHECK constraint limiting a column to a fixed set of words."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def only_where(condition: str) -> dict:
    """Keyword arguments making an ``Index`` partial, the same on PostgreSQL and SQLite."""
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}


# A plugin's custom fields of a record: {name: value}, JSONB on PostgreSQL so they can be filtered through an index.
CustomFieldValues = JSON().with_variant(JSONB(), "postgresql")


def custom_fields() -> Mapped[dict]:
    """The record's custom fields, ``{}`` when it has none.

    The server default fills in rows written by bulk inserts (a receipt's new units), which
    name only the columns they set, at no cost per row.
    """
    return mapped_column(CustomFieldValues, nullable=False, default=dict, server_default=text("'{}'"))


def custom_fields_index(table: str, **where) -> Index:
    """A GIN index over a table's custom fields, on PostgreSQL only (SQLite has no index that serves JSON filters)."""
    return Index(f"ix_{table}_custom_fields", "custom_fields", postgresql_using="gin", **where).ddl_if(
        dialect="postgresql")


def built_on(dialect_name: str):
    """Alembic's ``include_object`` for one database: leaves out what the models build on another only
    (the GIN indexes above, SQLite's search table), so comparing models and migrations on SQLite does not ask for them."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and reflected and compare_to is None and is_search_table(name):
            return False  # SQLite's serial search index: a virtual table the migrations keep, not a model
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect is None or only.dialect == dialect_name

    return include_object


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
