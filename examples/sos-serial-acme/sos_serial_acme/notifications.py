"""Task 4, a notification: every posting is logged in the plugin's own table, made by its own migration."""
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from sos_serial.hookspecs import hookimpl

# The plugin's tables live in its own metadata: sos-serial's models and migrations never see them.
metadata = sa.MetaData()
posting_log = sa.Table(
    "acme_posting_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.String(64), nullable=False, unique=True),
    sa.Column("transaction_id", sa.Integer, nullable=False),
    sa.Column("number", sa.String(64)),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("units", sa.Integer, nullable=False),
)


@hookimpl
def migration_folders():
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def transaction_posted(document, units, event_id):
    # Delivery is at least once: an event already logged is not logged twice.
    engine = object_session(document).get_bind()
    with engine.begin() as conn:
        if conn.scalar(sa.select(posting_log.c.id).where(posting_log.c.event_id == event_id)) is None:
            conn.execute(posting_log.insert().values(event_id=event_id, transaction_id=document.id,
                                                     number=document.number, type=document.type,
                                                     units=len(units)))


def logged_postings(connection) -> list[dict]:
    """The log, newest first: what the screen and the API route show."""
    rows = connection.execute(sa.select(posting_log).order_by(posting_log.c.id.desc()).limit(200))
    return [dict(row._mapping) for row in rows]
