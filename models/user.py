"""A person who signs in, with one role: admin, clerk or support."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from sos_serial.extensions import db

from ._columns import created_at, in_list

ADMIN = "admin"
CLERK = "clerk"
SUPPORT = "support"
ROLES = (ADMIN, CLERK, SUPPORT)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(in_list("role", ROLES), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at()
    # Part of every session's id: raising it ends every session of the user at once, on every app process,
    # since each request's user is loaded from the database and compared with it.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    # Wrong passwords since the last sign-in, and the end of the lock they led to (security/sign_in_limits.py).
    # Kept here, not in one process's memory, so every app process counts the same failures.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # What Flask-Login asks of a signed-in user, written out so the model imports no web code.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # Flask-Login keeps this in the session cookie; a cookie carrying an older version no longer signs in.
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Sign the user out everywhere: every session cookie issued so far stops working."""
        self.session_version = (self.session_version or 1) + 1

    def clear_sign_in_lock(self) -> None:
        """Forget the wrong passwords counted so far and lift any lock they led to."""
        self.failed_sign_ins = 0
        self.locked_until = None

    def set_password(self, password: str) -> None:
        """Set a new password; any session begun with the old one ends."""
        if self.password_hash is not None:
            self.end_sessions()
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"
