"""sign-in failures: each user's count of wrong passwords and the end of the lock they led to

Revision ID: 0011_sign_in_failures
Revises: 0010_audit_log
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_sign_in_failures'
down_revision = '0010_audit_log'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing user starts with no failures and no lock.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_sign_ins')
