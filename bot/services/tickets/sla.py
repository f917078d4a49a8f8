"""Service levels (PRODUCT.md §3): per-severity first-response and resolution targets.

A ticket's first response is its first assignment or technician's reply
(``Ticket.first_response_at``); it is resolved when resolved. Each target runs
from the ticket's creation; a target is *breached* once its deadline passed
without the response (or resolution), or the response came late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from db.models import Severity, Ticket, TicketState


@dataclass(frozen=True)
class Targets:
    response: timedelta
    resolution: timedelta


# PRODUCT.md §3 defaults; admins change them in /hiredesk settings.
DEFAULT_TARGETS = {
    Severity.CRITICAL: Targets(response=timedelta(minutes=15), resolution=timedelta(hours=4)),
    Severity.MAJOR: Targets(response=timedelta(hours=1), resolution=timedelta(days=1)),
    Severity.MINOR: Targets(response=timedelta(hours=4), resolution=timedelta(days=3)),
}


class Clocked(Protocol):
    """What the SLA clocks read of a ticket: a ``Ticket``, or ``SlaFields`` (its columns alone)."""

    @property
    def severity(self) -> Severity: ...
    @property
    def state(self) -> TicketState: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def waiting_since(self) -> datetime | None: ...
    @property
    def paused_seconds(self) -> int | None: ...


@dataclass(frozen=True)
class SlaFields:
    """The columns the SLA clocks read, loaded without the ticket (the digest reads thousands)."""

    severity: Severity
    state: TicketState
    created_at: datetime
    resolved_at: datetime | None
    first_response_at: datetime | None
    waiting_since: datetime | None
    paused_seconds: int | None

    COLUMNS = (
        Ticket.severity,
        Ticket.state,
        Ticket.created_at,
        Ticket.resolved_at,
        Ticket.first_response_at,
        Ticket.waiting_since,
        Ticket.paused_seconds,
    )


@dataclass(frozen=True)
class SlaStatus:
    respond_by: datetime
    resolve_by: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    now: datetime

    @property
    def response_open(self) -> bool:
        """The first-response target still runs (nobody has responded yet)."""
        return self.responded_at is None

    @property
    def resolution_open(self) -> bool:
        return self.resolved_at is None

    @property
    def response_breached(self) -> bool:
        return _late(self.responded_at, self.respond_by, self.now)

    @property
    def resolution_breached(self) -> bool:
        return _late(self.resolved_at, self.resolve_by, self.now)

    @property
    def breached(self) -> bool:
        return self.response_breached or self.resolution_breached


def status(ticket: Clocked, targets: dict[Severity, Targets], now: datetime) -> SlaStatus:
    """Where ``ticket`` stands against its severity's targets at ``now``.

    Time spent WAITING on the reporter moves the resolution deadline on. The response deadline never
    moves: asking the reporter is itself a response, so every pause comes after the first response."""
    target = targets[ticket.severity]
    resolved_at = ticket.resolved_at if ticket.state is TicketState.RESOLVED else None
    return SlaStatus(
        respond_by=ticket.created_at + target.response,
        resolve_by=ticket.created_at + target.resolution + paused(ticket, now),
        responded_at=ticket.first_response_at,
        resolved_at=resolved_at,
        now=now,
    )


def paused(ticket: Clocked, now: datetime) -> timedelta:
    """How long the ticket has waited on its reporter, the current wait included."""
    current = now - ticket.waiting_since if ticket.waiting_since is not None else timedelta(0)
    return timedelta(seconds=ticket.paused_seconds or 0) + max(current, timedelta(0))


def pause(ticket: Ticket, at: datetime) -> None:
    """The SLA clock stops: the ticket waits on its reporter from ``at``."""
    ticket.waiting_since = at


def resume(ticket: Ticket, at: datetime) -> None:
    """The wait is over: its length is added to the paused time."""
    if ticket.waiting_since is not None:
        ticket.paused_seconds = (ticket.paused_seconds or 0) + max(0, int((at - ticket.waiting_since).total_seconds()))
        ticket.waiting_since = None


def record_first_response(ticket: Ticket, at: datetime) -> None:
    """The first assignment or technician's reply stops the first-response clock, once."""
    if ticket.first_response_at is None:
        ticket.first_response_at = at


def _late(done_at: datetime | None, deadline: datetime, now: datetime) -> bool:
    return done_at > deadline if done_at is not None else now > deadline
