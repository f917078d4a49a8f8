"""All HireDesk tables. Import models from here."""

from .base import Base
from .core import Role, UserRole, Workspace
from .hire import (
    HOLDING_STATUSES,
    Booking,
    BookingEvent,
    BookingStatus,
    Customer,
    Vehicle,
    VehicleCategory,
    VehicleStatus,
)
from .reminders import ReminderClaim
from .tickets import Category, Severity, Ticket, TicketEvent, TicketState

__all__ = [
    "HOLDING_STATUSES",
    "Base",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "Category",
    "Customer",
    "ReminderClaim",
    "Role",
    "Severity",
    "Ticket",
    "TicketEvent",
    "TicketState",
    "UserRole",
    "Vehicle",
    "VehicleCategory",
    "VehicleStatus",
    "Workspace",
]
