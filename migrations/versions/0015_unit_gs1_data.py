"""unit GS1 data: the lot, expiry and production date a scanned GS1 barcode carried when the unit was received

Revision ID: 0015_unit_gs1_data
Revises: 0014_item_gtin
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_unit_gs1_data'
down_revision = '0014_item_gtin'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('serial_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('expiry_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('production_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('serial_units', schema=None) as batch_op:
        batch_op.drop_column('production_date')
        batch_op.drop_column('expiry_date')
        batch_op.drop_column('lot')
