"""car hire: history of customer and vehicle edits

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_record_events_customer_id_customers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name=op.f("fk_record_events_vehicle_id_vehicles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_record_events_team_id_workspaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_events")),
    )
    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.create_index("ix_record_events_customer", ["customer_id", "id"], unique=False)
        batch_op.create_index("ix_record_events_vehicle", ["vehicle_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("record_events")
