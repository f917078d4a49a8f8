"""help desk: conversation in DM threads (ticket_threads), emoji to ticket (source message, setting)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_threads",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_ticket_threads_team_id_workspaces")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_threads_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "channel", "ts", name=op.f("pk_ticket_threads")),
    )
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_threads_ticket_id"), ["ticket_id"], unique=False)
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("source_ts", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint("uq_tickets_source_message", ["team_id", "source_channel", "source_ts"])
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_emoji", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("ticket_emoji")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tickets_source_message", type_="unique")
        batch_op.drop_column("source_ts")
        batch_op.drop_column("source_channel")
    with op.batch_alter_table("ticket_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_threads_ticket_id"))
    op.drop_table("ticket_threads")
