"""help desk, third round: waiting on the reporter (state WAITING, paused SLA time), auto-resolve setting

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATES = ("OPEN", "IN_PROGRESS", "RESOLVED")
STATES_NOW = (*STATES, "WAITING")


def _state_check(states: tuple[str, ...]) -> str:
    return "state IN (" + ", ".join(f"'{state}'" for state in states) + ")"


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_since", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("paused_seconds", sa.Integer(), server_default=sa.text("0"), nullable=False))
        # The state's CHECK constraint (a portable enum) learns WAITING.
        batch_op.drop_constraint("ticketstate", type_="check")
        batch_op.create_check_constraint("ticketstate", _state_check(STATES_NOW))
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_resolve_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("auto_resolve_minutes")
    op.execute(sa.text("UPDATE tickets SET state = 'IN_PROGRESS' WHERE state = 'WAITING'"))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint("ticketstate", type_="check")
        batch_op.create_check_constraint("ticketstate", _state_check(STATES))
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("waiting_since")
