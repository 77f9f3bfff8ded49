"""An API token: kept as a SHA-256 digest, so the database never holds a usable token; it may expire or be revoked."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._columns import created_at, utcnow
from .user import User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: never
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")

    @classmethod
    def issue(cls, user: User, expires_in: timedelta | None = None) -> tuple["ApiToken", str]:
        """A new token for the user: the record to store, and the token to show once.

        ``expires_in`` None: the token works until revoked."""
        token = "sos_" + secrets.token_urlsafe(32)
        expires_at = utcnow() + expires_in if expires_in is not None else None
        return cls(user=user, token_hash=token_digest(token), expires_at=expires_at), token

    def refusal(self, now: datetime) -> str | None:
        """Why the token may not be used at ``now``, in words for whoever sent it; None when it may."""
        if self.revoked_at is not None:
            return f"This API token was revoked on {as_utc(self.revoked_at):%Y-%m-%d %H:%M} UTC. Ask an administrator for a new one."
        if self.expires_at is not None and as_utc(self.expires_at) <= now:
            return f"This API token expired on {as_utc(self.expires_at):%Y-%m-%d %H:%M} UTC. Ask an administrator for a new one."
        if not self.user.active:
            return f"The user {self.user.username} is deactivated, so their API tokens no longer work."
        return None


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC time: SQLite hands back the stored UTC times without their zone."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
