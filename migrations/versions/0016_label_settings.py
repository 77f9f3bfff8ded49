"""label settings: the layout labels are printed on, and whether they show the warranty end

Revision ID: 0016_label_settings
Revises: 0015_unit_gs1_data
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_label_settings'
down_revision = '0015_unit_gs1_data'
branch_labels = None
depends_on = None

LABEL_LAYOUTS = ("a4_3x7", "letter_3x10", "roll_62x29mm", "roll_2.25x1.25in")


def upgrade():
    # The existing settings row takes the defaults: an A4 sheet, the warranty end shown.
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_layout', sa.String(length=20), nullable=False,
                                      server_default='a4_3x7'))
        batch_op.add_column(sa.Column('label_show_warranty_end', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.create_check_constraint(op.f('ck_settings_label_layout_known'),
                                         "label_layout IN (" + ", ".join(f"'{v}'" for v in LABEL_LAYOUTS) + ")")
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.alter_column('label_layout', server_default=None)
        batch_op.alter_column('label_show_warranty_end', server_default=None)


def downgrade():
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_settings_label_layout_known'), type_='check')
        batch_op.drop_column('label_show_warranty_end')
        batch_op.drop_column('label_layout')
