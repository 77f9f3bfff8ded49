"""company and addresses: the company profile (name, address, logo) and customers' and vendors' addresses

Revision ID: 0017_company_and_addresses
Revises: 0016_label_settings
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_company_and_addresses'
down_revision = '0016_label_settings'
branch_labels = None
depends_on = None

ADDRESS_TABLES = ('customers', 'vendors')


def upgrade():
    # Every new column is empty: a company, customer or vendor has no address until one is entered.
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('company_address', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('company_logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('company_logo_type', sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(op.f('ck_settings_company_logo_type_known'),
                                         "company_logo_type IN ('image/png', 'image/jpeg')")
        batch_op.create_check_constraint(op.f('ck_settings_company_logo_has_type'),
                                         '(company_logo IS NULL) = (company_logo_type IS NULL)')
    for table in ADDRESS_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('billing_address', sa.String(length=1000), nullable=True))
            batch_op.add_column(sa.Column('shipping_address', sa.String(length=1000), nullable=True))


def downgrade():
    for table in ADDRESS_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('shipping_address')
            batch_op.drop_column('billing_address')
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_settings_company_logo_has_type'), type_='check')
        batch_op.drop_constraint(op.f('ck_settings_company_logo_type_known'), type_='check')
        batch_op.drop_column('company_logo_type')
        batch_op.drop_column('company_logo')
        batch_op.drop_column('company_address')
        batch_op.drop_column('company_name')
