"""IT help desk tickets and their history

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "hardware",
                "software",
                "network",
                "access",
                "other",
                name="category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "MINOR", "MAJOR", "CRITICAL", name="severity", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "OPEN",
                "IN_PROGRESS",
                "RESOLVED",
                name="ticketstate",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reporter_id", sa.String(length=32), nullable=False),
        sa.Column("assignee_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("source_permalink", sa.String(length=500), nullable=True),
        sa.Column("card_channel", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("deleted_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_tickets_team_id_workspaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("team_id", "number", name=op.f("uq_tickets_team_id_number")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_created", ["team_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_tickets_open_queue",
            ["team_id", "severity", "created_at"],
            unique=False,
            postgresql_where=sa.text("state <> 'RESOLVED' AND deleted_at IS NULL"),
            sqlite_where=sa.text("state <> 'RESOLVED' AND deleted_at IS NULL"),
        )
        batch_op.create_index("ix_tickets_reporter", ["team_id", "reporter_id", "created_at"], unique=False)
        batch_op.create_index("ix_tickets_resolved", ["team_id", "resolved_at"], unique=False)

    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_ticket_events_team_id_workspaces")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_events_ticket", ["ticket_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("ticket_events")
    op.drop_table("tickets")
