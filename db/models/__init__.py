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
    booking_holds_vehicle,
)
from .installs import BotTokenIdentity, slack_bots, slack_installations, slack_oauth_states
from .outbox import OPEN_STATUSES, Delivery, DeliveryStatus, HandledRequest, delivery_is_open, delivery_is_pending
from .reminders import ReminderClaim
from .tickets import (
    Category,
    Severity,
    Ticket,
    TicketEvent,
    TicketRating,
    TicketState,
    TicketThread,
    queue_order,
    severity_rank,
    ticket_is_open,
)

__all__ = [
    "HOLDING_STATUSES",
    "OPEN_STATUSES",
    "Base",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "BotTokenIdentity",
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
    "booking_holds_vehicle",
    "delivery_is_open",
    "delivery_is_pending",
    "queue_order",
    "severity_rank",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
    "ticket_is_open",
]
