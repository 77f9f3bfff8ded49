"""custom fields: a plugin's extra fields on items, customers, vendors, locations, transactions and serial units

Revision ID: 0008_custom_fields
Revises: 0007_plugin_switches
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0008_custom_fields'
down_revision = '0007_plugin_switches'
branch_labels = None
depends_on = None

TABLES = ('items', 'customers', 'vendors', 'locations', 'transactions', 'serial_units')
# Only units with values are in their index: a receipt's new units are not written into it.
PARTIAL = {'serial_units': sa.text("custom_fields <> '{}'::jsonb")}


def upgrade():
    values = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    for table in TABLES:
        # Batch mode: SQLite copies the table; the server default fills in every existing row.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('custom_fields', values, server_default=sa.text("'{}'"), nullable=False))
        if op.get_context().dialect.name == 'postgresql':
            op.create_index(f'ix_{table}_custom_fields', table, ['custom_fields'], unique=False,
                            postgresql_using='gin', postgresql_where=PARTIAL.get(table))


def downgrade():
    for table in reversed(TABLES):
        if op.get_context().dialect.name == 'postgresql':
            op.drop_index(f'ix_{table}_custom_fields', table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('custom_fields')
