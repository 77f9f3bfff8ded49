"""document void: a posted document can be voided, and stays listed as voided, with who, when and why

Revision ID: 0018_document_void
Revises: 0017_company_and_addresses
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_document_void'
down_revision = '0017_company_and_addresses'
branch_labels = None
depends_on = None


def upgrade():
    # Every document posted so far stands: "posted" by the server's default.
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='posted', nullable=False))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_transactions_voided_by_id_users'), 'users', ['voided_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_transactions_status_known'), "status IN ('posted', 'voided')")
        batch_op.create_check_constraint(op.f('ck_transactions_voided_when_voided_at'),
                                         "(status = 'voided') = (voided_at IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_transactions_voided_when_voided_at'), type_='check')
        batch_op.drop_constraint(op.f('ck_transactions_status_known'), type_='check')
        batch_op.drop_constraint(op.f('fk_transactions_voided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('status')
