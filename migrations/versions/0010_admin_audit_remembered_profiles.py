"""abuse resistance: the admin's audit log, remembered candidate profiles

Revision ID: 0010
Revises: 0009_lbb
Create Date: 2026-12-10 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009_lbb'  # the API users' budget column comes from there
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'admin_audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('admin_user_id', sa.Integer(), nullable=True),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('target', sa.String(length=320), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(['admin_user_id'], ['admin_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('admin_audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_admin_audit_log_created_at', ['created_at'], unique=False)
    op.create_table(
        'remembered_profile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('email_key', sa.String(length=64), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['platform_id'], ['platform.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('remembered_profile', schema=None) as batch_op:
        batch_op.create_index('ix_remembered_profile_email_key', ['email_key'], unique=False)
        batch_op.create_index('ix_remembered_profile_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_remembered_profile_platform_id', ['platform_id'], unique=False)


def downgrade():
    op.drop_table('remembered_profile')
    with op.batch_alter_table('admin_audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_admin_audit_log_created_at')
    op.drop_table('admin_audit_log')
