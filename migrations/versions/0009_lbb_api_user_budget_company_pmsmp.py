"""La Bonne Boite v1 compatibility: a request budget per API user; the work-trial flag
(pmsmp) and social network of companies

Revision ID: 0009_lbb
Revises: 0008
Create Date: 2026-11-30 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_lbb'
down_revision = '0008'
branch_labels = None
depends_on = None



def upgrade():
    with op.batch_alter_table('api_user', schema=None) as batch_op:
        # NULL: the default budget of API users (API_RATE_LIMIT_PER_KEY).
        batch_op.add_column(sa.Column('budget', sa.String(length=100), nullable=True))
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('flag_pmsmp', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('social_network', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('social_network')
        batch_op.drop_column('flag_pmsmp')
    with op.batch_alter_table('api_user', schema=None) as batch_op:
        batch_op.drop_column('budget')
