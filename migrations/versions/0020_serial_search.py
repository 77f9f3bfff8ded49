"""serial search: find a unit by any part of its serial (pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite)

Revision ID: 0020_serial_search
Revises: 0019_stock_counts
Create Date: 2026-12-01

PostgreSQL: the pg_trgm extension (a trusted extension: the database's owner may create it) and a
trigram GIN index over serial_units.serial_key. SQLite: the search table serial_units_search with the
triggers that keep it in step, filled from the units already stored (models/serial_search_index.py).
"""
from alembic import op

from sos_serial.models.serial_search_index import POSTGRESQL_INDEX, create_sqlite_search, drop_sqlite_search

# revision identifiers, used by Alembic.
revision = '0020_serial_search'
down_revision = '0019_stock_counts'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(POSTGRESQL_INDEX, "serial_units", ["serial_key"], postgresql_using="gin",
                        postgresql_ops={"serial_key": "gin_trgm_ops"})
    else:
        create_sqlite_search(op.execute)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(POSTGRESQL_INDEX, table_name="serial_units")
        # The extension stays: other objects of the database may use it.
    else:
        drop_sqlite_search(op.execute)
