"""acme_audit: notes on serial units, the test plugin's own table

Revision ID: acme_audit_0001
Revises:
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

revision = "acme_audit_0001"
down_revision = None
# Its own branch, started once the module's first schema exists (its table points at serial units).
branch_labels = ("acme_audit",)
depends_on = "0001_initial"


def upgrade():
    op.create_table(
        "acme_audit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_unit_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["serial_unit_id"], ["serial_units.id"], name="fk_acme_audit_notes_serial_unit_id"),
        sa.PrimaryKeyConstraint("id", name="pk_acme_audit_notes"),
    )


def downgrade():
    op.drop_table("acme_audit_notes")
