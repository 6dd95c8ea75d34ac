"""abuse resistance: a request budget per API user

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('api_user', schema=None) as batch_op:
        batch_op.drop_column('budget')
