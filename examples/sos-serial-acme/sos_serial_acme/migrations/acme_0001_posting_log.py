"""acme: the posting log

Revision ID: acme_0001
Revises:
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

revision = "acme_0001"
down_revision = None
# The plugin's own branch, started on sos-serial's first schema: `db downgrade acme@base` removes it alone.
branch_labels = ("acme",)
depends_on = "0001_initial"


def upgrade():
    op.create_table(
        "acme_posting_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_acme_posting_log"),
        sa.UniqueConstraint("event_id", name="uq_acme_posting_log_event_id"),
    )


def downgrade():
    op.drop_table("acme_posting_log")
