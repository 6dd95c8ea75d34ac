"""national company loads: checkpoint, staging rows and rejects of a resumable load

Revision ID: 0017_national
Revises: 0012_partner
Create Date: 2026-11-30 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_national'
down_revision = '0012_partner'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_load',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=80), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('byte_offset', sa.BigInteger(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('staged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('company_staging',
    sa.Column('line', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sign', sa.String(length=255), nullable=True),
    sa.Column('naf_code', sa.String(length=5), nullable=True),
    sa.Column('headcount_code', sa.String(length=2), nullable=True),
    sa.Column('street_number', sa.String(length=20), nullable=True),
    sa.Column('street', sa.String(length=255), nullable=True),
    sa.Column('postcode', sa.String(length=5), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('geocoded_from_commune', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('website', sa.String(length=255), nullable=True),
    sa.Column('flag_junior', sa.Boolean(), nullable=False),
    sa.Column('flag_senior', sa.Boolean(), nullable=False),
    sa.Column('flag_handicap', sa.Boolean(), nullable=False),
    sa.Column('flag_pmsmp', sa.Boolean(), nullable=False),
    sa.Column('social_network', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('line')
    )
    op.create_table('company_load_reject',
    sa.Column('line', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('field', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('row', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('line')
    )
    if op.get_bind().dialect.name == 'postgresql':
        # Staged rows are a scratch copy of the file: no write-ahead log for them. A server
        # crash empties the table; the loader sees the count differ and starts over.
        op.execute('ALTER TABLE company_staging SET UNLOGGED')


def downgrade():
    op.drop_table('company_load_reject')
    op.drop_table('company_staging')
    op.drop_table('company_load')
