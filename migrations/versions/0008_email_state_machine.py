"""email state machine: pending and delayed states, a sending lease and its owner; webhook
delivery claims

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ONCE = "kind IN ('application_recruiter', 'application_copy', 'application_undelivered')"


def upgrade():
    with op.batch_alter_table('email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sending_owner', sa.String(length=120), nullable=True))
        batch_op.alter_column('limit_sender', existing_type=sa.String(length=320), nullable=True)
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sending_at', sa.DateTime(timezone=True), nullable=True))
    # "queued" is now "pending" (to send now) or "delayed" (to send at not_before).
    op.execute(
        "UPDATE email SET state = CASE WHEN not_before IS NULL THEN 'pending' ELSE 'delayed' END"
        " WHERE state = 'queued'"
    )
    op.execute("UPDATE email SET kind = 'application_undelivered' WHERE kind = 'recruiter_bounced'")
    # One recruiter email, one copy and one "not delivered" notice per application, even
    # when two workers or two webhook calls record the same outcome at once.
    op.create_index(
        'ux_email_once_per_application', 'email', ['application_id', 'kind'], unique=True,
        postgresql_where=sa.text(ONCE), sqlite_where=sa.text(ONCE),
    )


def downgrade():
    op.execute("UPDATE webhook_delivery SET state = 'pending' WHERE state = 'sending'")
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_column('sending_at')
    op.drop_index('ux_email_once_per_application', table_name='email')
    op.execute("UPDATE email SET kind = 'recruiter_bounced' WHERE kind = 'application_undelivered'")
    op.execute("UPDATE email SET state = 'queued' WHERE state IN ('pending', 'delayed')")
    op.execute("UPDATE email SET limit_sender = to_address WHERE limit_sender IS NULL")
    with op.batch_alter_table('email', schema=None) as batch_op:
        batch_op.alter_column('limit_sender', existing_type=sa.String(length=320), nullable=False)
        batch_op.drop_column('sending_owner')
        batch_op.drop_column('lease_until')
