"""help desk: satisfaction ratings (CSAT), one per resolution of a ticket

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("resolution_event_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_by", sa.String(length=32), nullable=False),
        sa.Column("rated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resolution_event_id"],
            ["ticket_events.id"],
            name=op.f("fk_ticket_ratings_resolution_event_id_ticket_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_ticket_ratings_team_id_workspaces")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_ratings_ticket_id_tickets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_ratings")),
        sa.UniqueConstraint("resolution_event_id", name=op.f("uq_ticket_ratings_resolution_event_id")),
    )
    with op.batch_alter_table("ticket_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_ratings_ticket", ["ticket_id", "resolution_event_id"], unique=False)
        batch_op.create_index("ix_ticket_ratings_rated", ["team_id", "rated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_ratings_rated")
        batch_op.drop_index("ix_ticket_ratings_ticket")
    op.drop_table("ticket_ratings")
