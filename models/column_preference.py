"""A user's choice of visible columns on one list screen, remembered between visits."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import updated_at


class ColumnPreference(db.Model):
    __tablename__ = "column_preferences"
    __table_args__ = (UniqueConstraint("user_id", "view", name="uq_column_preferences_user_view"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    # The list screen's endpoint, e.g. "serial_inventory".
    view: Mapped[str] = mapped_column(String(64), nullable=False)
    # Names of the visible columns, in the screen's own order.
    columns: Mapped[list] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = updated_at()

    @classmethod
    def visible_columns(cls, session, user_id: int, view: str) -> list[str] | None:
        """The columns the user chose for the view, or None if they never chose."""
        return session.scalar(select(cls.columns).where(cls.user_id == user_id, cls.view == view))

    @classmethod
    def remember(cls, session, user_id: int, view: str, columns: list[str]) -> None:
        """Store the user's choice (not committed)."""
        record = session.scalars(select(cls).where(cls.user_id == user_id, cls.view == view)).one_or_none()
        if record is None:
            session.add(cls(user_id=user_id, view=view, columns=list(columns)))
        else:
            record.columns = list(columns)

    @classmethod
    def forget(cls, session, user_id: int, view: str) -> None:
        """Drop the user's choice, so the view's defaults apply again (not committed)."""
        record = session.scalars(select(cls).where(cls.user_id == user_id, cls.view == view)).one_or_none()
        if record is not None:
            session.delete(record)

    def __repr__(self) -> str:
        return f"<ColumnPreference user={self.user_id} {self.view!r} {self.columns!r}>"
