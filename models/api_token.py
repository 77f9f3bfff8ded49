"""An API token: kept as a SHA-256 digest, so the database never holds a usable token."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sos_serial.extensions import db

from ._columns import created_at
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

    user: Mapped[User] = relationship(lazy="joined")

    @classmethod
    def issue(cls, user: User) -> tuple["ApiToken", str]:
        """A new token for the user: the record to store, and the token to show once."""
        token = "sos_" + secrets.token_urlsafe(32)
        return cls(user=user, token_hash=token_digest(token)), token
