"""document limits: the lines and serials one document may carry, set by an administrator

Revision ID: 0013_document_limits
Revises: 0012_serial_keys
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_document_limits'
down_revision = '0012_serial_keys'
branch_labels = None
depends_on = None


def upgrade():
    # Empty: the server's defaults (SOS_SERIAL_MAX_LINES_PER_DOCUMENT, SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT) apply,
    # so an existing company keeps the limits it had.
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_lines_per_document', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_serials_per_document', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_settings_max_lines_per_document_positive'), 'max_lines_per_document >= 1')
        batch_op.create_check_constraint(op.f('ck_settings_max_serials_per_document_positive'), 'max_serials_per_document >= 1')


def downgrade():
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_settings_max_serials_per_document_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_settings_max_lines_per_document_positive'), type_='check')
        batch_op.drop_column('max_serials_per_document')
        batch_op.drop_column('max_lines_per_document')
