"""History report: index serial history by (date, id), and by customer

Revision ID: 0003_history_date_order
Revises: 0002_column_preferences
Create Date: 2026-11-26

"""
from alembic import op

revision = "0003_history_date_order"
down_revision = "0002_column_preferences"
branch_labels = None
depends_on = None


# Plain index operations, not batch mode: on SQLite a batch rebuild of serial_history would
# drop its append-only triggers.
def upgrade():
    op.drop_index("ix_serial_history_date", table_name="serial_history")
    op.create_index("ix_serial_history_date", "serial_history", ["date", "id"], unique=False)
    op.create_index("ix_serial_history_customer", "serial_history", ["customer_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_serial_history_customer", table_name="serial_history")
    op.drop_index("ix_serial_history_date", table_name="serial_history")
    op.create_index("ix_serial_history_date", "serial_history", ["date"], unique=False)
