"""item numbering: an item's own automatic serial numbering (prefix, length, next number)

Revision ID: 0006_item_numbering
Revises: 0005_events_outbox
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_item_numbering'
down_revision = '0005_events_outbox'
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite adds check constraints by copying the table.
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_serial_prefix', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('auto_serial_length', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('auto_serial_next_number', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('auto_serial_length_range', 'auto_serial_length BETWEEN 1 AND 18')
        batch_op.create_check_constraint('auto_serial_next_number_not_negative', 'auto_serial_next_number >= 0')


def downgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint('auto_serial_next_number_not_negative', type_='check')
        batch_op.drop_constraint('auto_serial_length_range', type_='check')
        batch_op.drop_column('auto_serial_next_number')
        batch_op.drop_column('auto_serial_length')
        batch_op.drop_column('auto_serial_prefix')
