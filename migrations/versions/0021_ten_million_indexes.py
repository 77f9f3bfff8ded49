"""ten million indexes: a customer's documents found by index (the history report's customer filter)

Revision ID: 0021_ten_million_indexes
Revises: 0020_serial_search
Create Date: 2026-12-01

At ten million units the history report's customer filter reads the customer's documents first; without an index
on transactions.customer_id that read was a scan of every document. Partial: most documents (receipts, transfers)
name no customer.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_ten_million_indexes'
down_revision = '0020_serial_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_transactions_customer", "transactions", ["customer_id"],
                    postgresql_where=sa.text("customer_id IS NOT NULL"), sqlite_where=sa.text("customer_id IS NOT NULL"))


def downgrade():
    op.drop_index("ix_transactions_customer", table_name="transactions")
