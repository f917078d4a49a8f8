"""workspaces and user roles

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_ticket_number", sa.Integer(), nullable=False),
        sa.Column("last_booking_number", sa.Integer(), nullable=False),
        sa.Column("triage_channel", sa.String(length=32), nullable=True),
        sa.Column("fleet_channel", sa.String(length=32), nullable=True),
        sa.Column("managers_channel", sa.String(length=32), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("digest_time", sa.String(length=5), nullable=True),
        sa.Column("due_soon_minutes", sa.Integer(), nullable=True),
        sa.Column("return_grace_minutes", sa.Integer(), nullable=True),
        sa.Column("critical_reminder_minutes", sa.Integer(), nullable=True),
        sa.Column("critical_escalation_minutes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspaces")),
    )

    op.create_table(
        "user_roles",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "employee",
                "technician",
                "agent",
                "manager",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("granted_by", sa.String(length=32), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["workspaces.team_id"], name=op.f("fk_user_roles_team_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", "role", name=op.f("pk_user_roles")),
    )


def downgrade() -> None:
    op.drop_table("user_roles")
    op.drop_table("workspaces")
