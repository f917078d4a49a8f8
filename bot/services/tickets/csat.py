"""Satisfaction ratings (CSAT, PRODUCT.md §3): the resolve DM asks the reporter *How did we do?*.

One rating per resolution (the ticket's RESOLVED state event): a later click within ``WINDOW`` of
the resolution replaces it; after that, or once the ticket was reopened (its resolution is no longer
the current one), the request is closed. Only the reporter rates. The rating (old → new when
replaced) and an optional comment go to the ticket's history.

The buttons carry the resolution's event id: user input, looked up within the actor's workspace.
``current_rating(s)`` give a ticket's rating for reports (the CSV export's CSAT column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import DomainError, FormErrors, NotFound, PermissionDenied
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.tickets.access import is_reporter, load
from bot.services.tickets.lifecycle import TicketChange
from bot.services.user_text import REFUSED, has_control_characters, normalise_newlines
from db.models import Ticket, TicketEvent, TicketRating, TicketState

WINDOW = timedelta(days=7)  # how long after the resolution a rating may be given or changed
SCORES = range(1, 6)  # 1 = poor … 5 = great
COMMENT_LIMIT = 1000
COMMENT_BLOCK = "csat_comment"  # the comment modal's input block


@dataclass(frozen=True)
class Rated:
    """A rating given (or its comment): what changed, and what the DM shows now."""

    change: TicketChange  # no events if nothing changed (the same score clicked again)
    resolution: TicketEvent
    rating: TicketRating

    @property
    def ticket(self) -> Ticket:
        return self.change.ticket


@dataclass(frozen=True)
class CsatSummary:
    count: int
    average: float | None


def is_resolution(event: TicketEvent) -> bool:
    return event.kind == "state" and event.new_value == TicketState.RESOLVED.value


def rate(session: Session, actor: Actor, resolution_id: int, score: int) -> Rated:
    """The reporter's rating of resolution ``resolution_id``: recorded, or replaced within the window."""
    if score not in SCORES:
        raise DomainError("A rating is from 1 (poor) to 5 (great).")
    change, resolution, rating = _open_request(session, actor, resolution_id)
    now = utcnow()
    if rating is None:
        rating = TicketRating(
            team_id=actor.team_id,
            ticket_id=change.ticket.id,
            resolution_event_id=resolution.id,
            rating=score,
            rated_by=actor.user_id,
            rated_at=now,
        )
        session.add(rating)
        change.record("csat", new=str(score))
    elif rating.rating != score:
        change.record("csat", old=str(rating.rating), new=str(score))
        rating.rating, rating.rated_at = score, now
    session.flush()
    return Rated(change, resolution, rating)


def prepare_comment(session: Session, actor: Actor, resolution_id: int) -> Rated:
    """Check a comment may be added before opening its modal: the rating it goes with."""
    change, resolution, rating = _open_request(session, actor, resolution_id, lock=False)
    if rating is None:
        raise DomainError("Pick a rating first, then add a comment.")
    return Rated(change, resolution, rating)


def comment(session: Session, actor: Actor, resolution_id: int, text: str) -> Rated:
    """The reporter's comment on their rating (replacing an earlier one)."""
    text = normalise_newlines(text or "").strip()
    if has_control_characters(text):
        raise FormErrors({COMMENT_BLOCK: REFUSED})
    if not text:
        raise FormErrors({COMMENT_BLOCK: "Write a comment, or close this form."})
    if len(text) > COMMENT_LIMIT:
        raise FormErrors({COMMENT_BLOCK: f"At most {COMMENT_LIMIT} characters, please."})
    change, resolution, rating = _open_request(session, actor, resolution_id)
    if rating is None:
        raise DomainError("Pick a rating first, then add a comment.")
    if text != rating.comment:
        change.record("csat_comment", body=text, old_body=rating.comment)
        rating.comment = text
    return Rated(change, resolution, rating)


def _open_request(
    session: Session, actor: Actor, resolution_id: int, *, lock: bool = True
) -> tuple[TicketChange, TicketEvent, TicketRating | None]:
    """The resolution ``resolution_id`` of the actor's workspace, if its rating request is still open to
    them; the ticket's row is locked (two clicks at once: one rating)."""
    resolution = session.scalars(
        select(TicketEvent).where(TicketEvent.team_id == actor.team_id, TicketEvent.id == resolution_id)
    ).one_or_none()
    if resolution is None or not is_resolution(resolution):
        raise NotFound("That rating request doesn't exist in this workspace.")
    ticket = load(session, actor, resolution.ticket_id, lock=lock)
    if not is_reporter(actor, ticket):
        raise PermissionDenied(f"Only the reporter of {ticket.key} can rate its resolution.")
    if ticket.deleted_at is not None:
        raise DomainError(f"{ticket.key} was deleted: it can't be rated any more.")
    if ticket.state is not TicketState.RESOLVED or latest_resolution_id(session, ticket) != resolution.id:
        raise DomainError(f"{ticket.key} was reopened since: this rating request is closed.")
    if utcnow() - resolution.at > WINDOW:
        raise DomainError(f"Ratings can be given or changed for 7 days after the resolution: {ticket.key}'s is closed.")
    rating = session.scalars(
        select(TicketRating).where(
            TicketRating.ticket_id == ticket.id, TicketRating.resolution_event_id == resolution.id
        )
    ).one_or_none()
    return TicketChange(ticket, actor.user_id), resolution, rating


def latest_resolution_id(session: Session, ticket: Ticket) -> int | None:
    """The id of the ticket's newest RESOLVED state event (an index range: ``ix_ticket_events_ticket``)."""
    return session.scalar(
        select(func.max(TicketEvent.id)).where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.kind == "state",
            TicketEvent.new_value == TicketState.RESOLVED.value,
        )
    )


def rating_of(session: Session, resolution: TicketEvent) -> TicketRating | None:
    """The rating given to ``resolution``, if any."""
    return session.scalars(
        select(TicketRating).where(
            TicketRating.ticket_id == resolution.ticket_id, TicketRating.resolution_event_id == resolution.id
        )
    ).one_or_none()


def current_rating(session: Session, team_id: str, ticket_id: int) -> int | None:
    """The ticket's CSAT: the rating of its most recent rated resolution (None if never rated)."""
    return current_ratings(session, team_id, [ticket_id]).get(ticket_id)


def current_ratings(session: Session, team_id: str, ticket_ids: Iterable[int]) -> dict[int, int]:
    """``current_rating`` of many tickets at once: {ticket id: rating} for those rated."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    newest = (
        select(TicketRating.ticket_id, func.max(TicketRating.resolution_event_id).label("resolution"))
        .where(TicketRating.team_id == team_id, TicketRating.ticket_id.in_(ids))
        .group_by(TicketRating.ticket_id)
        .subquery()
    )
    rows = session.execute(
        select(TicketRating.ticket_id, TicketRating.rating).join(
            newest,
            (TicketRating.ticket_id == newest.c.ticket_id) & (TicketRating.resolution_event_id == newest.c.resolution),
        )
    ).tuples()
    return dict(rows.all())


def summary(session: Session, team_id: str, since: datetime, until: datetime) -> CsatSummary:
    """The average and count of the ratings given (or last changed) in [since, until): the digest's CSAT."""
    count, average = session.execute(
        select(func.count(), func.avg(TicketRating.rating)).where(
            TicketRating.team_id == team_id, TicketRating.rated_at >= since, TicketRating.rated_at < until
        )
    ).one()
    return CsatSummary(count=count or 0, average=float(average) if average is not None else None)
