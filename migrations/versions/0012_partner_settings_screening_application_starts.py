"""partner settings (sender name, dry run, next url, callback origins, screening
questions), screening answers, application starts

Revision ID: 0012_partner
Revises: 0011
Create Date: 2026-12-20 00:00:00

Platforms stored before this revision keep their `require_email_confirmation`; new ones
get it on (the model's default).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_partner'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('platform', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('dry_run_address', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('next_url', sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column('callback_origins', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column(
                'screening_questions', sa.JSON(), nullable=False, server_default=sa.text("'[]'")
            )
        )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screening_answers', sa.JSON(), nullable=True))
    op.create_table(
        'application_start',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('siret', sa.String(length=14), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['platform.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('application_start', schema=None) as batch_op:
        batch_op.create_index(
            'ix_application_start_platform_created', ['platform_id', 'created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('application_start', schema=None) as batch_op:
        batch_op.drop_index('ix_application_start_platform_created')
    op.drop_table('application_start')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('screening_answers')
    with op.batch_alter_table('platform', schema=None) as batch_op:
        batch_op.drop_column('screening_questions')
        batch_op.drop_column('callback_origins')
        batch_op.drop_column('next_url')
        batch_op.drop_column('dry_run_address')
        batch_op.drop_column('sender_name')
