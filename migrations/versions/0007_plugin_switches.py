"""plugin switches: the third-party plugins an administrator has switched off

Revision ID: 0007_plugin_switches
Revises: 0006_item_numbering
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007_plugin_switches'
down_revision = '0006_item_numbering'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plugin_switches',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('switched_off_by', sa.String(length=200), nullable=True),
    sa.Column('switched_off_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_plugin_switches'))
    )


def downgrade():
    op.drop_table('plugin_switches')
