"""outbox: deliveries and handled requests

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_requests",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_handled_requests")),
    )
    with op.batch_alter_table("handled_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handled_requests_handled_at"), ["handled_at"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("lane", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("parent_key", sa.String(length=160), nullable=True),
        sa.Column("supersede", sa.String(length=160), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("notify_user", sa.String(length=32), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "posted",
                "failed",
                "superseded",
                "cancelled",
                name="deliverystatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("maybe_sent", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("posted_channel", sa.String(length=32), nullable=True),
        sa.Column("posted_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_deliveries_team_id_workspaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_deliveries_key")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliveries_due",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=sa.text("status IN ('pending', 'sending')"),
            sqlite_where=sa.text("status IN ('pending', 'sending')"),
        )
        batch_op.create_index(
            "ix_deliveries_lane",
            ["lane", "id"],
            unique=False,
            postgresql_where=sa.text("status IN ('pending', 'sending')"),
            sqlite_where=sa.text("status IN ('pending', 'sending')"),
        )
        batch_op.create_index(
            "ix_deliveries_supersede",
            ["supersede"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index("ix_deliveries_team_finished", ["team_id", "status", "finished_at"], unique=False)
    with op.batch_alter_table("reminder_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_key", sa.String(length=160), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder_claims", schema=None) as batch_op:
        batch_op.drop_column("delivery_key")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_team_finished")
        batch_op.drop_index(
            "ix_deliveries_supersede",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(
            "ix_deliveries_lane",
            postgresql_where=sa.text("status IN ('pending', 'sending')"),
            sqlite_where=sa.text("status IN ('pending', 'sending')"),
        )
        batch_op.drop_index(
            "ix_deliveries_due",
            postgresql_where=sa.text("status IN ('pending', 'sending')"),
            sqlite_where=sa.text("status IN ('pending', 'sending')"),
        )

    op.drop_table("deliveries")
    with op.batch_alter_table("handled_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handled_requests_handled_at"))

    op.drop_table("handled_requests")
