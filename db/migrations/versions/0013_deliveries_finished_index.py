"""outbox: an index for pruning finished deliveries (it read the whole table every 10 minutes)

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deliveries_finished", "deliveries", ["finished_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_deliveries_finished", table_name="deliveries")
