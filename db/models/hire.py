"""The car hire desk: customers, vehicles, bookings and booking history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, spelled_out
from .types import SlackId, UTCDateTime, enum_column

Money = Numeric(10, 2)


class VehicleCategory(str, enum.Enum):
    ECONOMY = "economy"
    COMPACT = "compact"
    SUV = "suv"
    VAN = "van"
    PREMIUM = "premium"


class VehicleStatus(str, enum.Enum):
    AVAILABLE = "AVAILABLE"
    MAINTENANCE = "MAINTENANCE"
    RETIRED = "RETIRED"


class BookingStatus(str, enum.Enum):
    RESERVED = "RESERVED"
    ACTIVE = "ACTIVE"
    RETURNED = "RETURNED"
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"


# Bookings in these states hold their vehicle; the overlap rule applies to them only.
HOLDING_STATUSES = (BookingStatus.RESERVED, BookingStatus.ACTIVE)
HOLDING_SQL = "status IN ('RESERVED', 'ACTIVE')"


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("team_id", "licence_number"),
        Index("ix_customers_name", "team_id", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    licence_number: Mapped[str] = mapped_column(String(32))  # normalised: upper case, no spaces
    licence_expiry: Mapped[date] = mapped_column(Date)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    do_not_rent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(SlackId)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bookings: Mapped[list[Booking]] = relationship(back_populates="customer")
    events: Mapped[list[RecordEvent]] = relationship(
        back_populates="customer", order_by="RecordEvent.id", cascade="all, delete-orphan"
    )


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        UniqueConstraint("team_id", "registration"),
        Index("ix_vehicles_category", "team_id", "category", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    registration: Mapped[str] = mapped_column(String(16))  # normalised: upper case, no spaces
    make: Mapped[str] = mapped_column(String(60))
    model: Mapped[str] = mapped_column(String(60))
    category: Mapped[VehicleCategory] = mapped_column(enum_column(VehicleCategory))
    seats: Mapped[int] = mapped_column(Integer)
    daily_rate: Mapped[Decimal] = mapped_column(Money)
    odometer: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[VehicleStatus] = mapped_column(enum_column(VehicleStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bookings: Mapped[list[Booking]] = relationship(back_populates="vehicle")
    events: Mapped[list[RecordEvent]] = relationship(
        back_populates="vehicle", order_by="RecordEvent.id", cascade="all, delete-orphan"
    )


class Booking(Base):
    """A vehicle hired by a customer over the half-open period [pickup_at, return_due_at).

    On PostgreSQL the migration adds the exclusion constraint
    ``ex_bookings_no_overlap`` so that no two holding bookings of one vehicle
    overlap, whatever races happen between application processes.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        # Overlap checks and availability: holding bookings of one vehicle by time.
        Index(
            "ix_bookings_vehicle_holding",
            "vehicle_id",
            "pickup_at",
            "return_due_at",
            postgresql_where=text(HOLDING_SQL),
            sqlite_where=text(HOLDING_SQL),
        ),
        # Due-return and overdue reminders, today's returns, digests.
        Index("ix_bookings_due", "team_id", "status", "return_due_at"),
        # Today's pickups, upcoming list.
        Index("ix_bookings_pickup", "team_id", "status", "pickup_at"),
        Index("ix_bookings_customer", "customer_id", "pickup_at"),
        Index("ix_bookings_returned", "team_id", "returned_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    number: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    pickup_at: Mapped[datetime] = mapped_column(UTCDateTime)
    return_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus))
    quoted_price: Mapped[Decimal] = mapped_column(Money)
    notes: Mapped[str | None] = mapped_column(Text)
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    odometer_out: Mapped[int | None] = mapped_column(Integer)
    odometer_in: Mapped[int | None] = mapped_column(Integer)
    fuel_out: Mapped[str | None] = mapped_column(String(8))  # at pick-up, like fuel_level
    damage_out: Mapped[str | None] = mapped_column(Text)  # already on the car at pick-up
    fuel_level: Mapped[str | None] = mapped_column(String(8))  # at return
    damage_notes: Mapped[str | None] = mapped_column(Text)  # new damage found at return
    late_fee: Mapped[Decimal | None] = mapped_column(Money)
    refuel_charge: Mapped[Decimal | None] = mapped_column(Money)
    created_by: Mapped[str] = mapped_column(SlackId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    card_channel: Mapped[str | None] = mapped_column(SlackId)
    card_ts: Mapped[str | None] = mapped_column(String(32))

    customer: Mapped[Customer] = relationship(back_populates="bookings")
    vehicle: Mapped[Vehicle] = relationship(back_populates="bookings")
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id", cascade="all, delete-orphan"
    )

    @property
    def key(self) -> str:
        return self.key_of(self.number)

    @staticmethod
    def key_of(number: int) -> str:
        return f"B-{number}"


def booking_holds_vehicle() -> ColumnElement[bool]:
    """``status IN ('RESERVED', 'ACTIVE')`` (``HOLDING_SQL``), spelled out as the partial index
    ``ix_bookings_vehicle_holding`` says it, so that SQLite reads that index (``spelled_out``)."""
    return Booking.status.in_(spelled_out(*HOLDING_STATUSES))


class BookingEvent(Base):
    """One change to a booking (created, picked up, extended, returned, cancelled): who and when."""

    __tablename__ = "booking_events"
    __table_args__ = (Index("ix_booking_events_booking", "booking_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(SlackId)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)

    booking: Mapped[Booking] = relationship(back_populates="events")


class RecordEvent(Base):
    """One change to a customer or a vehicle (exactly one of the two ids is set): which field,
    old → new, who and when. ``field`` is the form's field name, or ``status`` / ``archived``."""

    __tablename__ = "record_events"
    __table_args__ = (
        Index("ix_record_events_customer", "customer_id", "id"),
        Index("ix_record_events_vehicle", "vehicle_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId, ForeignKey("workspaces.team_id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"))
    actor_id: Mapped[str] = mapped_column(SlackId)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))

    customer: Mapped[Customer | None] = relationship(back_populates="events")
    vehicle: Mapped[Vehicle | None] = relationship(back_populates="events")
