"""applications started (for the statistics: started vs sent)

Revision ID: 0014_admin
Revises: 0011
Create Date: 2026-12-20 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_admin'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'application_start',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['platform.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('application_start', schema=None) as batch_op:
        batch_op.create_index('ix_application_start_platform_id', ['platform_id'], unique=False)


def downgrade():
    with op.batch_alter_table('application_start', schema=None) as batch_op:
        batch_op.drop_index('ix_application_start_platform_id')
    op.drop_table('application_start')
