"""Reading bookings: lists, availability, today's movements, the New booking modal's choices."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from bot.errors import DomainError, FormErrors
from bot.services.actors import Actor
from bot.services.clock import utcnow
from bot.services.hire import pricing
from bot.services.hire.access import Action, possible, require_agent, require_reader
from bot.services.hire.bookings import check_action, check_period, why_not_bookable
from bot.services.hire.vehicles import free_vehicles, normalise_registration, parse_category
from bot.services.local_time import at_local, local_day_bounds
from bot.services.paging import Page, page_of
from bot.services.workspace_settings import workspace_config
from bot.settings import Settings
from db.models import Booking, BookingStatus, Customer, Vehicle, VehicleCategory

LIST_KINDS = ("today", "active", "overdue", "upcoming")
LIST_LIMIT = 40  # today's movements on the App Home
LIST_PAGE = 20  # bookings on one page of /booking list and a search
SEARCH_MIN_CHARS = 2
SEARCH_MAX_CHARS = 100  # the words ride in the paging buttons' values
# A typed date or date-time: 2026-11-24, 2026-11-24T10:00, 2026-11-24t10:00, 2026-11-24 10:00 (ASCII digits only).
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{1,2}:\d{2}))?$", re.ASCII)
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
CLOCK_ONLY = re.compile(r"^\d{1,2}:\d{2}$", re.ASCII)


@dataclass(frozen=True)
class BookingList:
    """A page of ``/booking list <kind>`` or of a search (kind ``search``, its words in ``query``).
    Today's page holds pickups and returns in time order (``pickups`` / ``returns`` split it)."""

    kind: str
    tz: ZoneInfo
    bookings: Page[Booking]
    now: datetime  # when listed: upcoming pickups already past it are late
    query: str = ""

    @property
    def pickups(self) -> list[Booking]:
        return [b for b in self.bookings.items if b.status is BookingStatus.RESERVED]

    @property
    def returns(self) -> list[Booking]:
        return [b for b in self.bookings.items if b.status is not BookingStatus.RESERVED]


@dataclass(frozen=True)
class HireDay:
    """The car hire section of an App Home: today's (local day) pickups and returns still to come."""

    pickups: list[Booking]
    returns: list[Booking]
    tz: ZoneInfo


@dataclass(frozen=True)
class Quote:
    vehicle: Vehicle
    days: int
    price: Decimal


@dataclass(frozen=True)
class Availability:
    start: datetime
    end: datetime
    tz: ZoneInfo
    category: VehicleCategory | None
    quotes: list[Quote]


def list_bookings(session: Session, actor: Actor, kind: str, settings: Settings, offset: int = 0) -> BookingList:
    require_reader(actor, to="see bookings")
    if kind not in LIST_KINDS:
        raise DomainError(f"I can list {', '.join(LIST_KINDS)} bookings.")
    config = workspace_config(session, actor.team_id, settings)
    now = utcnow()
    query = _bookings(actor.team_id)
    order: tuple[Any, ...]
    if kind == "today":
        # Pickups and returns of the local day in one list, in time order.
        start, end = local_day_bounds(now, config.tz)
        pickup = and_(Booking.status == BookingStatus.RESERVED, Booking.pickup_at >= start, Booking.pickup_at < end)
        due = and_(Booking.status == BookingStatus.ACTIVE, Booking.return_due_at >= start, Booking.return_due_at < end)
        moment = case((Booking.status == BookingStatus.RESERVED, Booking.pickup_at), else_=Booking.return_due_at)
        query, order = query.where(or_(pickup, due)), (moment, Booking.id)
    elif kind == "active":
        query, order = query.where(Booking.status == BookingStatus.ACTIVE), (Booking.return_due_at, Booking.id)
    elif kind == "overdue":
        query = query.where(Booking.status == BookingStatus.ACTIVE, Booking.return_due_at < now - config.return_grace)
        order = (Booking.return_due_at, Booking.id)
    else:
        # Every RESERVED booking, also one whose pickup time has passed: it holds its car until
        # picked up, cancelled or marked a no-show.
        query, order = query.where(Booking.status == BookingStatus.RESERVED), (Booking.pickup_at, Booking.id)
    page = page_of(session, query, *order, offset=offset, size=LIST_PAGE)
    return BookingList(kind, config.tz, page, now)


def search_bookings(session: Session, actor: Actor, words: str, settings: Settings, offset: int = 0) -> BookingList:
    """Bookings of a vehicle (its registration, spaces ignored) or of customers whose name contains
    ``words``, latest pickup first."""
    require_reader(actor, to="see bookings")
    words = " ".join(words.split())[:SEARCH_MAX_CHARS]
    if len(words) < SEARCH_MIN_CHARS:
        raise DomainError(f"Search with at least {SEARCH_MIN_CHARS} characters: a registration or a customer's name.")
    registration = normalise_registration(words)
    matches = or_(
        Booking.vehicle_id.in_(
            select(Vehicle.id).where(Vehicle.team_id == actor.team_id, Vehicle.registration == registration)
        ),
        Booking.customer_id.in_(
            select(Customer.id).where(
                Customer.team_id == actor.team_id, func.lower(Customer.name).contains(words.lower(), autoescape=True)
            )
        ),
    )
    query = _bookings(actor.team_id).where(matches)
    page = page_of(session, query, Booking.pickup_at.desc(), Booking.id.desc(), offset=offset, size=LIST_PAGE)
    return BookingList("search", workspace_config(session, actor.team_id, settings).tz, page, utcnow(), words)


def todays_movements(
    session: Session, actor: Actor, now: datetime, tz: ZoneInfo
) -> tuple[list[Booking], list[Booking]]:
    """Today's (local day) pickups still to happen and returns still expected, for the App Home."""
    require_reader(actor, to="see today's pickups and returns")
    return _movements(session, actor.team_id, now, tz)


def hire_day(session: Session, actor: Actor, now: datetime, tz: ZoneInfo) -> HireDay | None:
    """The car hire section of the actor's App Home; None for those who don't work the desk."""
    if not possible(actor, Action.WORK):
        return None
    pickups, returns = todays_movements(session, actor, now, tz)
    return HireDay(pickups, returns, tz)


def availability(
    session: Session, actor: Actor, start_text: str, end_text: str, category_text: str | None, settings: Settings
) -> Availability:
    """Free vehicles over a typed period: ``2026-11-24`` (from midnight / through the whole day) or ``2026-11-24T10:00``."""
    require_reader(actor, to="check availability")
    tz = workspace_config(session, actor.team_id, settings).tz
    start = parse_local(start_text, tz, end_of_day=False)
    end = parse_local(end_text, tz, end_of_day=True)
    if end <= start:
        raise DomainError("The end of the period must be after its start.")
    category = parse_category(category_text) if category_text else None
    quotes = [
        Quote(v, pricing.rental_days(start, end, tz), pricing.quote(v.daily_rate, start, end, tz))
        for v in free_vehicles(session, actor.team_id, start, end, category)
    ]
    return Availability(start, end, tz, category, quotes)


@dataclass(frozen=True)
class VehicleChoices:
    """What the New booking modal offers for the chosen period: free vehicles with their quote,
    or why there is nothing to offer yet (a hint, not an error: the agent is still typing)."""

    quotes: list[Quote]
    problem: str | None = None
    timezone: str = ""  # the workspace's, which the modal names
    # The vehicle the agent had chosen when it is not free for these times, and why (the words a
    # submission would be refused with): the modal keeps it selected and says so.
    not_free: Quote | None = None
    why_not_free: str | None = None


def vehicle_choices(
    session: Session,
    actor: Actor,
    pickup: datetime | None,
    due: datetime | None,
    settings: Settings,
    chosen_vehicle: str | None = None,
) -> VehicleChoices:
    """The vehicles free from ``pickup`` to ``due`` with their quotes; with neither chosen yet (the
    blank form), nothing to offer and no problem either. A ``chosen_vehicle`` no longer free then is
    kept, with the reason."""
    require_agent(actor, to="create bookings")
    config = workspace_config(session, actor.team_id, settings)
    if pickup is None and due is None:
        return VehicleChoices([], timezone=config.timezone)
    try:
        pickup, due = check_period(pickup, due, utcnow())
    except FormErrors as errors:
        return VehicleChoices([], problem=" ".join(errors.errors.values()), timezone=config.timezone)
    days = pricing.rental_days(pickup, due, config.tz)
    quotes = [
        Quote(v, days, pricing.quote(v.daily_rate, pickup, due, config.tz))
        for v in free_vehicles(session, actor.team_id, pickup, due)
    ]
    problem = None if quotes else "No vehicle is free for the whole period."
    if chosen_vehicle and all(str(q.vehicle.id) != chosen_vehicle for q in quotes):
        refused = why_not_bookable(session, actor, chosen_vehicle, pickup, due, config.tz)
        if refused is not None:
            vehicle, why = refused
            kept = Quote(vehicle, days, pricing.quote(vehicle.daily_rate, pickup, due, config.tz))
            return VehicleChoices(quotes, problem, config.timezone, not_free=kept, why_not_free=why)
    return VehicleChoices(quotes, problem=problem, timezone=config.timezone)


@dataclass(frozen=True)
class BookingEditing:
    """What the Edit booking modal offers: the booking, the period shown (its own, or the one the
    agent just picked), the vehicles free then (its own vehicle among them unless someone else
    holds it) or why none is offered, the workspace's zone."""

    booking: Booking
    quotes: list[Quote]
    timezone: str
    pickup: datetime
    return_due: datetime
    problem: str | None = None


def editing(
    session: Session,
    actor: Actor,
    booking_id: int | str,
    settings: Settings,
    pickup: datetime | None = None,
    due: datetime | None = None,
) -> BookingEditing:
    """The Edit modal's content, for the booking's period or (redrawn) for ``pickup`` – ``due``."""
    booking = check_action(session, actor, booking_id, "edit")
    config = workspace_config(session, actor.team_id, settings)
    pickup, due = pickup or booking.pickup_at, due or booking.return_due_at
    try:  # an unchanged pickup may already be past (a late customer)
        check_period(pickup, due, utcnow() if pickup != booking.pickup_at else min(utcnow(), pickup))
    except FormErrors as errors:
        return BookingEditing(booking, [], config.timezone, pickup, due, problem=" ".join(errors.errors.values()))
    days = pricing.rental_days(pickup, due, config.tz)
    quotes = [
        Quote(v, days, pricing.quote(v.daily_rate, pickup, due, config.tz))
        for v in free_vehicles(session, actor.team_id, pickup, due, ignoring=booking.id)
    ]
    problem = None if quotes else "No vehicle is free for the whole period: change the times."
    return BookingEditing(booking, quotes, config.timezone, pickup, due, problem)


def moment_words(words: list[str]) -> list[str]:
    """Typed words with a date followed by a time (``2026-11-24 10:00``) taken as one moment."""
    merged: list[str] = []
    for word in words:
        if merged and CLOCK_ONLY.match(word) and DATE_ONLY.match(merged[-1]):
            merged[-1] = f"{merged[-1]} {word}"
        else:
            merged.append(word)
    return merged


def parse_local(text: str, tz: ZoneInfo, *, end_of_day: bool) -> datetime:
    """A typed date or date-time in the workspace's time zone, as UTC. A bare date as an end means
    the end of that day; ``today`` and ``tomorrow`` work too."""
    words = text.strip().lower()
    today = utcnow().astimezone(tz).date()
    named = {"today": today, "tomorrow": today + timedelta(days=1)}
    day: date | None
    clock: time | None
    if words in named:
        day, clock = named[words], None
    else:
        match = DATE_TIME.match(words)
        try:
            day = date.fromisoformat(match.group(1)) if match else None
            clock = time.fromisoformat(match.group(2).zfill(5)) if match and match.group(2) else None
        except ValueError:
            day = None
        if day is None:
            raise DomainError(
                f"“{text[:30]}” is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM, like 2026-11-24T10:00, or today or tomorrow."
            )
    if clock is None:
        return at_local(day + timedelta(days=1) if end_of_day else day, time(0), tz)
    return at_local(day, clock, tz)


def _bookings(team_id: str) -> Select[tuple[Booking]]:
    return (
        select(Booking)
        .where(Booking.team_id == team_id)
        .options(joinedload(Booking.customer), joinedload(Booking.vehicle))
    )


def _movements(session: Session, team_id: str, now: datetime, tz: ZoneInfo) -> tuple[list[Booking], list[Booking]]:
    start, end = local_day_bounds(now, tz)
    pickups = (
        _bookings(team_id)
        .where(Booking.status == BookingStatus.RESERVED, Booking.pickup_at >= start, Booking.pickup_at < end)
        .order_by(Booking.pickup_at)
    )
    returns = (
        _bookings(team_id)
        .where(Booking.status == BookingStatus.ACTIVE, Booking.return_due_at >= start, Booking.return_due_at < end)
        .order_by(Booking.return_due_at)
    )
    return list(session.scalars(pickups.limit(LIST_LIMIT)).unique()), list(
        session.scalars(returns.limit(LIST_LIMIT)).unique()
    )
