"""exactly-once reminder claims

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_reminder_claims_team_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_claims")),
        sa.UniqueConstraint(
            "team_id", "job", "subject", "slot", name=op.f("uq_reminder_claims_team_id_job_subject_slot")
        ),
    )
    with op.batch_alter_table("reminder_claims", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_claims_unposted", ["job", "posted_at", "claimed_at"], unique=False)


def downgrade() -> None:
    op.drop_table("reminder_claims")
