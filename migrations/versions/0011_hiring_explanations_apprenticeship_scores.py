"""hiring explanations, apprenticeship scores, per-job shares, anchor versions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_score_detail',
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('model_version', sa.String(length=40), nullable=False),
    sa.Column('hiring_band', sa.String(length=10), nullable=False),
    sa.Column('past_band', sa.String(length=10), nullable=False),
    sa.Column('trend', sa.String(length=4), nullable=False),
    sa.Column('outlier', sa.Boolean(), nullable=False),
    sa.Column('apprenticeship_hires', sa.Float(), nullable=True),
    sa.Column('apprenticeship_score', sa.Float(), nullable=True),
    sa.Column('apprenticeship_stars', sa.Float(), nullable=True),
    sa.Column('apprenticeship_band', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['siret'], ['company.siret'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('siret')
    )
    op.create_table('company_apprenticeship_job_score',
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('rome_code', sa.String(length=5), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('stars', sa.Float(), nullable=False),
    sa.Column('model_version', sa.String(length=40), nullable=False),
    sa.Column('affinity', sa.Float(), nullable=True),
    sa.Column('sector_share', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['rome_code'], ['rome.code'], ),
    sa.ForeignKeyConstraint(['siret'], ['company.siret'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('siret', 'rome_code')
    )
    with op.batch_alter_table('company_apprenticeship_job_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_apprenticeship_job_score_rome_code'), ['rome_code'], unique=False)

    with op.batch_alter_table('company_job_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('affinity', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('sector_share', sa.Float(), nullable=True))

    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anchor_version', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.drop_column('anchor_version')

    with op.batch_alter_table('company_job_score', schema=None) as batch_op:
        batch_op.drop_column('sector_share')
        batch_op.drop_column('affinity')

    with op.batch_alter_table('company_apprenticeship_job_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_apprenticeship_job_score_rome_code'))

    op.drop_table('company_apprenticeship_job_score')
    op.drop_table('company_score_detail')
