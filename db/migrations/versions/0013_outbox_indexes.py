"""outbox: indexes for pruning finished deliveries (it read the whole table every 10 minutes) and for
cancelling the open dependants of a failed one

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

OPEN = "status IN ('pending', 'sending')"

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deliveries_finished", "deliveries", ["finished_at"], unique=False)
    op.create_index(
        "ix_deliveries_parent_open",
        "deliveries",
        ["parent_key"],
        unique=False,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_parent_open", table_name="deliveries")
    op.drop_index("ix_deliveries_finished", table_name="deliveries")
