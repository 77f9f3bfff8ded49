"""A webhook: a URL an administrator registers to be sent the module's events, signed with its secret."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from sos_serial.extensions import db

from ._columns import created_at

URL_MAX = 2000
SECRET_MAX = 200


class Webhook(db.Model):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX), nullable=False)
    # Kept as given: every delivery is signed with it (HMAC-SHA256), so it cannot be a one-way digest.
    secret: Mapped[str] = mapped_column(String(SECRET_MAX), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = created_at()

    @property
    def subscriber(self) -> str:
        return f"webhook:{self.id}"

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"<Webhook {self.id} {self.url!r}>"
