"""stock counts: a location's units counted by scanning, the scans, and the documents a close posted

Revision ID: 0019_stock_counts
Revises: 0018_document_void
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_stock_counts'
down_revision = '0018_document_void'
branch_labels = None
depends_on = None

SERIAL_KEY = sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql')


def upgrade():
    op.create_table('stock_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('expected_at_start', sa.Integer(), nullable=False),
    sa.Column('scanned', sa.Integer(), server_default='0', nullable=False),
    sa.Column('scanned_counted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('scanned_elsewhere', sa.Integer(), server_default='0', nullable=False),
    sa.Column('scanned_unknown', sa.Integer(), server_default='0', nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed', 'cancelled')", name=op.f('ck_stock_counts_status_known')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_stock_counts_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stock_counts_location_id_locations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_stock_counts_started_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_counts')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_counts_number'))
    )
    with op.batch_alter_table('stock_counts', schema=None) as batch_op:
        batch_op.create_index('ix_stock_counts_location_status', ['location_id', 'status'], unique=False)
        batch_op.create_index('uq_stock_counts_open_location', ['location_id'], unique=True,
                              postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('stock_count_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('serial_number', sa.String(length=64), nullable=False),
    sa.Column('serial_key', SERIAL_KEY, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('scanned_by_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("result IN ('counted', 'elsewhere', 'unknown')", name=op.f('ck_stock_count_scans_result_known')),
    sa.ForeignKeyConstraint(['count_id'], ['stock_counts.id'], name=op.f('fk_stock_count_scans_count_id_stock_counts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scanned_by_id'], ['users.id'], name=op.f('fk_stock_count_scans_scanned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['serial_units.id'], name=op.f('fk_stock_count_scans_unit_id_serial_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count_scans'))
    )
    with op.batch_alter_table('stock_count_scans', schema=None) as batch_op:
        batch_op.create_index('uq_stock_count_scans_count_key', ['count_id', 'serial_key'], unique=True)
        batch_op.create_index('ix_stock_count_scans_count_unit', ['count_id', 'unit_id'], unique=False)
        batch_op.create_index('ix_stock_count_scans_count_result', ['count_id', 'result', 'id'], unique=False)

    op.create_table('stock_count_documents',
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.CheckConstraint("purpose IN ('missing', 'transfer', 'found')", name=op.f('ck_stock_count_documents_purpose_known')),
    sa.ForeignKeyConstraint(['count_id'], ['stock_counts.id'], name=op.f('fk_stock_count_documents_count_id_stock_counts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['transaction_id'], ['transactions.id'], name=op.f('fk_stock_count_documents_transaction_id_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('count_id', 'transaction_id', name=op.f('pk_stock_count_documents'))
    )


def downgrade():
    op.drop_table('stock_count_documents')
    with op.batch_alter_table('stock_count_scans', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_count_scans_count_result')
        batch_op.drop_index('ix_stock_count_scans_count_unit')
        batch_op.drop_index('uq_stock_count_scans_count_key')
    op.drop_table('stock_count_scans')
    with op.batch_alter_table('stock_counts', schema=None) as batch_op:
        batch_op.drop_index('uq_stock_counts_open_location')
        batch_op.drop_index('ix_stock_counts_location_status')
    op.drop_table('stock_counts')
