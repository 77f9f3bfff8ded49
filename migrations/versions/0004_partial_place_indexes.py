"""Partial indexes: serial units by customer, location and warranty end, history by customer

Revision ID: 0004_partial_place_indexes
Revises: 0003_history_date_order
Create Date: 2026-11-26

"""
from alembic import op

revision = "0004_partial_place_indexes"
down_revision = "0003_history_date_order"
branch_labels = None
depends_on = None

# (index, table, columns, the rows it keeps)
PARTIAL = [
    ("ix_serial_units_customer", "serial_units", ["customer_id", "status"], "customer_id IS NOT NULL"),
    ("ix_serial_units_location", "serial_units", ["location_id", "status"], "location_id IS NOT NULL"),
    ("ix_serial_units_warranty_end", "serial_units", ["warranty_end"], "warranty_end IS NOT NULL"),
    ("ix_serial_history_customer", "serial_history", ["customer_id", "id"], "customer_id IS NOT NULL"),
]


# Plain index operations, not batch mode: on SQLite a batch rebuild of serial_history would
# drop its append-only triggers.
def upgrade():
    import sqlalchemy as sa

    for name, table, columns, condition in PARTIAL:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False,
                        postgresql_where=sa.text(condition), sqlite_where=sa.text(condition))


def downgrade():
    for name, table, columns, _ in PARTIAL:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
