"""car hire, second round: no-show grace, pick-up capture, refuel charge

Revision ID: 0008
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("no_show_grace_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("refuel_charge", sa.Numeric(10, 2), nullable=True))
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fuel_out", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("damage_out", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("refuel_charge", sa.Numeric(10, 2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("refuel_charge")
        batch_op.drop_column("damage_out")
        batch_op.drop_column("fuel_out")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("refuel_charge")
        batch_op.drop_column("no_show_grace_minutes")
