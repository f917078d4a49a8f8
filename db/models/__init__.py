"""All HireDesk tables. Import models from here."""

from .base import Base
from .core import Role, UserRole, Workspace
from .hire import (
    HOLDING_STATUSES,
    Booking,
    BookingEvent,
    BookingStatus,
    Customer,
    RecordEvent,
    Vehicle,
    VehicleCategory,
    VehicleStatus,
)
from .installs import slack_bots, slack_installations, slack_oauth_states
from .outbox import OPEN_STATUSES, Delivery, DeliveryStatus, HandledRequest
from .reminders import ReminderClaim
from .tickets import Category, Severity, Ticket, TicketEvent, TicketRating, TicketState, TicketThread

__all__ = [
    "HOLDING_STATUSES",
    "OPEN_STATUSES",
    "Base",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "Category",
    "Customer",
    "Delivery",
    "DeliveryStatus",
    "HandledRequest",
    "RecordEvent",
    "ReminderClaim",
    "Role",
    "Severity",
    "Ticket",
    "TicketEvent",
    "TicketRating",
    "TicketState",
    "TicketThread",
    "UserRole",
    "Vehicle",
    "VehicleCategory",
    "VehicleStatus",
    "Workspace",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]
