"""car hire: customers, vehicles, bookings and their history

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from db.models.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("licence_number", sa.String(length=32), nullable=False),
        sa.Column("licence_expiry", sa.Date(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("do_not_rent", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_customers_team_id_workspaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("team_id", "licence_number", name=op.f("uq_customers_team_id_licence_number")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_name", ["team_id", "name"], unique=False)

    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("registration", sa.String(length=16), nullable=False),
        sa.Column("make", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "economy",
                "compact",
                "suv",
                "van",
                "premium",
                name="vehiclecategory",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("daily_rate", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("odometer", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "AVAILABLE",
                "MAINTENANCE",
                "RETIRED",
                name="vehiclestatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_vehicles_team_id_workspaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("team_id", "registration", name=op.f("uq_vehicles_team_id_registration")),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index("ix_vehicles_category", ["team_id", "category", "status"], unique=False)

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("pickup_at", UTCDateTime(), nullable=False),
        sa.Column("return_due_at", UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "RESERVED",
                "ACTIVE",
                "RETURNED",
                "CANCELLED",
                "NO_SHOW",
                name="bookingstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("quoted_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("picked_up_at", UTCDateTime(), nullable=True),
        sa.Column("returned_at", UTCDateTime(), nullable=True),
        sa.Column("odometer_out", sa.Integer(), nullable=True),
        sa.Column("odometer_in", sa.Integer(), nullable=True),
        sa.Column("fuel_level", sa.String(length=8), nullable=True),
        sa.Column("damage_notes", sa.Text(), nullable=True),
        sa.Column("late_fee", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("card_channel", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_bookings_customer_id_customers")),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_bookings_team_id_workspaces")),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"], name=op.f("fk_bookings_vehicle_id_vehicles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("team_id", "number", name=op.f("uq_bookings_team_id_number")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index("ix_bookings_customer", ["customer_id", "pickup_at"], unique=False)
        batch_op.create_index("ix_bookings_due", ["team_id", "status", "return_due_at"], unique=False)
        batch_op.create_index("ix_bookings_pickup", ["team_id", "status", "pickup_at"], unique=False)
        batch_op.create_index("ix_bookings_returned", ["team_id", "returned_at"], unique=False)
        batch_op.create_index(
            "ix_bookings_vehicle_holding",
            ["vehicle_id", "pickup_at", "return_due_at"],
            unique=False,
            postgresql_where=sa.text("status IN ('RESERVED', 'ACTIVE')"),
            sqlite_where=sa.text("status IN ('RESERVED', 'ACTIVE')"),
        )

    op.create_table(
        "booking_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_events_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["workspaces.team_id"], name=op.f("fk_booking_events_team_id_workspaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_events")),
    )
    with op.batch_alter_table("booking_events", schema=None) as batch_op:
        batch_op.create_index("ix_booking_events_booking", ["booking_id", "id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # The database itself guarantees that no two holding bookings of one
        # vehicle overlap, whatever races happen between app processes. Periods
        # are half-open, so a 10:00 return and a 10:00 pickup do not clash.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap "
            "EXCLUDE USING gist (vehicle_id WITH =, "
            "tstzrange(pickup_at, return_due_at, '[)') WITH &&) "
            "WHERE (status IN ('RESERVED', 'ACTIVE'))"
        )


def downgrade() -> None:
    op.drop_table("booking_events")
    op.drop_table("bookings")
    op.drop_table("vehicles")
    op.drop_table("customers")
