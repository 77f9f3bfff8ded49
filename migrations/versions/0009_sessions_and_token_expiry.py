"""sessions and token expiry: a user's session version; an API token's expiry and revocation

Revision ID: 0009_sessions_and_token_expiry
Revises: 0008_custom_fields
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_sessions_and_token_expiry'
down_revision = '0008_custom_fields'
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite copies the tables; the server default gives every existing user version 1.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    # Existing tokens keep working: no expiry, not revoked.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
