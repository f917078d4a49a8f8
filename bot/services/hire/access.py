"""Who may do what on the car hire desk (PRODUCT.md §1).

``possible`` answers for the views (which buttons and sections to show); the services still
``require`` the same thing when the action is taken, so the UI is never the check.
"""

from __future__ import annotations

import enum

from bot.services.actors import Actor
from db.models import Role


class Action(enum.Enum):
    READ = "read"  # see customers (personal data included), vehicles and bookings
    WORK = "work"  # work the desk: add and edit customers and vehicles, make and change bookings
    REMOVE = "remove"  # archive or delete customers and vehicles


# The roles each action needs (admins may do everything).
NEEDS: dict[Action, tuple[Role, ...]] = {
    Action.READ: (Role.AGENT, Role.MANAGER),
    Action.WORK: (Role.AGENT,),
    Action.REMOVE: (Role.ADMIN,),
}


def possible(actor: Actor, action: Action) -> bool:
    """Whether ``actor`` may do ``action`` at all."""
    return actor.has(*NEEDS[action])


def require(actor: Actor, action: Action, to: str) -> None:
    """Raise PermissionDenied, naming the roles ``action`` needs ``to`` do something."""
    actor.require(*NEEDS[action], to=to)


def require_agent(actor: Actor, to: str) -> None:
    """Changing car-hire data: agents and admins."""
    require(actor, Action.WORK, to=to)


def require_reader(actor: Actor, to: str) -> None:
    """Reading car-hire data (customers' personal data included): agents, managers and admins."""
    require(actor, Action.READ, to=to)


def require_admin(actor: Actor, to: str) -> None:
    require(actor, Action.REMOVE, to=to)
