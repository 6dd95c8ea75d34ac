"""one final answer per application, recruiter details remembered per company

Revision ID: 0013_recruiter
Revises: 0017_national
Create Date: 2026-11-30 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_recruiter'
down_revision = '0017_national'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application') as batch_op:
        batch_op.add_column(sa.Column('final_answer', sa.String(length=20), nullable=True))
    # Applications answered before: their first final answer is the one that stands.
    op.execute(
        "UPDATE application SET final_answer = ("
        " SELECT answer.action FROM answer WHERE answer.application_id = application.id"
        " AND answer.action IN ('rejection', 'hired') ORDER BY answer.id LIMIT 1)"
    )
    op.create_table('recruiter_details',
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['siret'], ['company.siret'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('siret')
    )


def downgrade():
    op.drop_table('recruiter_details')
    with op.batch_alter_table('application') as batch_op:
        batch_op.drop_column('final_answer')
