"""Who may do what on the car hire desk (PRODUCT.md §1)."""

from __future__ import annotations

from bot.services.actors import Actor
from db.models import Role


def require_agent(actor: Actor, to: str) -> None:
    """Changing car-hire data: agents and admins."""
    actor.require(Role.AGENT, to=to)


def require_reader(actor: Actor, to: str) -> None:
    """Reading car-hire data (customers' personal data included): agents, managers and admins."""
    actor.require(Role.AGENT, Role.MANAGER, to=to)


def require_admin(actor: Actor, to: str) -> None:
    actor.require(Role.ADMIN, to=to)
