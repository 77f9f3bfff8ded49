"""unlabelled: a plugin revision with no branch label (refused)

Revision ID: unlabelled_0001
Revises:
Create Date: 2026-12-01

"""
from alembic import op

revision = "unlabelled_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SELECT 1")


def downgrade():
    pass
