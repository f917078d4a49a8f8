"""car hire: the posted lists showing a booking are found by its claims (subject) and their
message (delivery key), so a change can edit them; the early pick-up tolerance setting

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reminder_claims_subject", "reminder_claims", ["team_id", "subject"])
    op.create_index("ix_reminder_claims_delivery_key", "reminder_claims", ["delivery_key"])
    op.add_column("workspaces", sa.Column("early_pickup_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("early_pickup_minutes")
    op.drop_index("ix_reminder_claims_delivery_key", table_name="reminder_claims")
    op.drop_index("ix_reminder_claims_subject", table_name="reminder_claims")
