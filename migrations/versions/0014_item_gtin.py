"""item GTIN: the GS1 trade item number a scanned barcode's AI 01 names the item by

Revision ID: 0014_item_gtin
Revises: 0013_document_limits
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_item_gtin'
down_revision = '0013_document_limits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gtin', sa.String(length=14), nullable=True))
        batch_op.add_column(sa.Column('gtin14', sa.String(length=14), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_items_gtin14'), ['gtin14'])


def downgrade():
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_items_gtin14'), type_='unique')
        batch_op.drop_column('gtin14')
        batch_op.drop_column('gtin')
