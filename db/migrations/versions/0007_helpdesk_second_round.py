"""help desk, second round: history keeps old descriptions; service-level targets and first response

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


SLA_COLUMNS = [
    f"sla_{severity}_{target}_minutes"
    for severity in ("critical", "major", "minor")
    for target in ("response", "resolution")
]


def upgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("old_body", sa.Text(), nullable=True))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_response_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        for column in SLA_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        for column in SLA_COLUMNS:
            batch_op.drop_column(column)
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("first_response_at")
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_column("old_body")
