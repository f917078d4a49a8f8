"""help desk: an index in the technicians' queue's order (a page read ten entries, not a sort of every
open ticket)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# As db/models/tickets.py says them (OPEN_TICKET_SQL, UNASSIGNED_FIRST_SQL, SEVERITY_RANK_SQL): written
# out here, so that this migration stays what it was when the model changes.
OPEN = "state <> 'RESOLVED' AND deleted_at IS NULL"
UNASSIGNED_FIRST = "(assignee_id IS NOT NULL)"
SEVERITY_RANK = "(CASE WHEN severity = 'CRITICAL' THEN 0 WHEN severity = 'MAJOR' THEN 1 ELSE 2 END)"


def upgrade() -> None:
    op.create_index(
        "ix_tickets_queue_order",
        "tickets",
        ["team_id", sa.text(UNASSIGNED_FIRST), sa.text(SEVERITY_RANK), "created_at", "id"],
        unique=False,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_queue_order", table_name="tickets")
