"""Three replicas on one PostgreSQL, without Docker (issue 16): three `python app.py` processes
take signed requests spread across them, every scheduled job runs in three processes at once,
one replica is SIGKILLed mid-load; afterwards every ticket, booking, card, DM and reminder
exists exactly once."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.sandbox.signed_requests import SignedSlackClient
from bot.scheduler.jobs import JOBS
from db.migrate import upgrade
from db.models import Booking, BookingStatus, Delivery, DeliveryStatus, ReminderClaim, Ticket
from db.models.outbox import OPEN_STATUSES as OPEN
from db.session import Database
from tests.harness.served import ROOT, SIGNING_SECRET, ServedApp, wait_until
from tests.hire.helpers import add_customer, add_vehicle, make_agent, new_booking_values
from tests.scheduler import factories as f
from tests.tickets.helpers import form_values

REPLICAS = 3
ROUNDS = 4  # per replica: a ticket and a booking each
CHANNELS = {
    "HIREDESK_TRIAGE_CHANNEL": "CTRIAGE",
    "HIREDESK_FLEET_CHANNEL": "CFLEET",
    "HIREDESK_MANAGERS_CHANNEL": "CMANAGERS",
}
ENV = {
    **CHANNELS,
    "HIREDESK_TIMEZONE": "UTC",
    "WEB_CONCURRENCY": "1",
    "DATABASE_POOL_SIZE": "3",
    # A dead replica's claimed deliveries are taken over by the others after this. Live replicas renew
    # theirs every third of it; a replica starved of CPU for longer than the lease (a loaded CI
    # machine) would lose a claim in flight, so it is not set shorter than a loaded machine can stall.
    "HIREDESK_DELIVERY_LEASE_SECONDS": "8",
}


@dataclass
class Attempt:
    """One user's request, and whether the app acknowledged it before anything went wrong."""

    kind: str  # "ticket" (reporter) or "booking" (customer)
    who: str | int
    acknowledged: bool = False


@dataclass
class Load:
    attempts: list[Attempt] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def owned_view(fake, user: str) -> dict:
    """The modal the app opened for ``user`` (each user here opens one of each kind at most)."""
    view_id = wait_until(
        lambda: next((v for v, owner in fake.view_owners.items() if owner == user), None), f"{user}'s modal"
    )
    return fake.views[view_id]


def raise_ticket(slack: SignedSlackClient, fake, user: str) -> bool:
    if slack.command("/ticket", "", user=user).status != 200:
        return False
    view = owned_view(fake, user)
    response = slack.view_submission(view, form_values(title=f"Laptop of {user} will not boot"), user=user)
    return response.status == 200 and not response.body


def book(slack: SignedSlackClient, fake, agent: str, customer: int, vehicle: int, pickup: datetime) -> bool:
    if slack.command("/booking", "", user=agent).status != 200:
        return False
    view = owned_view(fake, agent)
    due = pickup + timedelta(days=2)
    redraw = {"action_id": "booking_return_due", "block_id": "return_due", "type": "datetimepicker"}
    redraw["selected_date_time"] = int(due.timestamp())
    state = {"values": new_booking_values(customer, None, pickup, due)}
    if slack.block_action(redraw, user=agent, view={**view, "state": state}).status != 200:
        return False
    wait_until(lambda: any(b.get("block_id") == "vehicle" for b in fake.views[view["id"]]["blocks"]), "the vehicles")
    response = slack.view_submission(
        fake.views[view["id"]], new_booking_values(customer, vehicle, pickup, due), user=agent
    )
    return response.status == 200 and not (response.body and "errors" in response.body)


def drive(replicas: list[ServedApp], first: int, fake, load: Load, work: list[tuple]) -> None:
    """Send ``work`` to replica ``first``; once it is gone, to the next one (as a load balancer
    would). An attempt cut off by the kill is not retried: it may have committed."""
    target = first
    for kind, who, *args in work:
        attempt = Attempt(kind, who)
        with load.lock:
            load.attempts.append(attempt)
        slack = SignedSlackClient(replicas[target].url, SIGNING_SECRET, fake)
        try:
            attempt.acknowledged = raise_ticket(slack, fake, who) if kind == "ticket" else book(slack, fake, *args)
        except (OSError, AssertionError) as error:  # refused, reset, or its modal never came
            if not replicas[target].killed:
                load.errors.append(RuntimeError(f"replica {target} (alive) failed {attempt}: {error!r}"))
                return
            target = (target + 1) % len(replicas)


def seed_due_reminders(db: Database, now: datetime) -> None:
    """Something due for every job: returns due soon and overdue, a no-show, a stale critical ticket."""
    with db.transaction() as s:
        f.booking(s, pickup=now - timedelta(days=1), due=now + timedelta(minutes=40))
        f.booking(s, pickup=now - timedelta(days=2), due=now - timedelta(hours=3))
        f.booking(s, pickup=now - timedelta(hours=3), due=now + timedelta(days=1), status=BookingStatus.RESERVED)
        f.ticket(s, created=now - timedelta(hours=3))


def run_every_job_three_times_at_once(env: dict[str, str], now: datetime) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "app.py", "job", name, "--now", now.isoformat()],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in JOBS
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), outputs


def test_three_replicas_one_killed_mid_load_everything_exactly_once(postgres_url, fake_slack):
    upgrade(postgres_url)
    db = Database(postgres_url)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    agents = [f"UBK{r}{i}" for r in range(REPLICAS) for i in range(ROUNDS)]
    for agent in agents:
        make_agent(db, user=agent)
    customers = [add_customer(db, licence_number=f"LIC {n:04d}") for n in range(len(agents))]
    vehicles = [add_vehicle(db, registration=f"RP{n:02d} ABC") for n in range(len(agents))]
    seed_due_reminders(db, now)

    replicas = [ServedApp(postgres_url, fake_slack, **ENV) for _ in range(REPLICAS)]
    load = Load()
    try:
        for replica in replicas:
            replica.wait_until_serving()
        pickup = now + timedelta(days=3)
        work = [
            [
                step
                for i in range(ROUNDS)
                for step in (
                    ("ticket", f"URPT{r}{i}"),
                    (
                        "booking",
                        customers[r * ROUNDS + i],
                        agents[r * ROUNDS + i],
                        customers[r * ROUNDS + i],
                        vehicles[r * ROUNDS + i],
                        pickup,
                    ),
                )
            ]
            for r in range(REPLICAS)
        ]
        drivers = [
            threading.Thread(target=drive, args=(replicas, r, fake_slack, load, work[r])) for r in range(REPLICAS)
        ]
        for driver in drivers:
            driver.start()
        job_env = {**replicas[0].environment, "LOG_LEVEL": "WARNING"}
        jobs = threading.Thread(target=run_every_job_three_times_at_once, args=(job_env, now))
        jobs.start()
        # the last replica dies once the load is under way on it
        wait_until(lambda: sum(a.acknowledged for a in load.attempts[:]) >= REPLICAS, "the load to start")
        victim = replicas[-1]
        victim.kill()
        for driver in drivers:
            driver.join(timeout=120)
        jobs.join(timeout=180)

        wait_until(
            lambda: not open_deliveries(db), "the survivors to deliver what the dead one had claimed", timeout=90
        )
    finally:
        for replica in replicas:
            replica.stop()

    assert not load.errors, load.errors
    check_exactly_once(db, fake_slack, load)
    db.dispose()


def open_deliveries(db: Database) -> int:
    with db.transaction(readonly=True) as s:
        return s.scalar(select(func.count()).where(Delivery.status.in_(OPEN))) or 0


def check_exactly_once(db: Database, fake, load: Load) -> None:
    with db.transaction(readonly=True) as s:
        tickets = list(s.scalars(select(Ticket).where(Ticket.reporter_id.like("URPT%"))))
        bookings = list(s.scalars(select(Booking).where(Booking.created_by.like("UBK%"))))
        deliveries = list(s.scalars(select(Delivery)))
        claims = list(s.scalars(select(ReminderClaim)))
        reporters = [t.reporter_id for t in tickets]
        booked = [b.customer_id for b in bookings]
        for attempt in load.attempts:
            found = (reporters if attempt.kind == "ticket" else booked).count(attempt.who)
            # acknowledged → there, once; cut off by the kill → once or not at all, never twice
            assert found == 1 if attempt.acknowledged else found <= 1, attempt
        assert len(set(reporters)) == len(reporters) and len(set(booked)) == len(booked)
        acknowledged = sum(a.acknowledged for a in load.attempts)
        assert acknowledged >= REPLICAS  # (a loaded machine may answer some "temporarily unavailable")

        assert {d.status for d in deliveries} <= {DeliveryStatus.POSTED, DeliveryStatus.SUPERSEDED}
        for delivery in deliveries:  # every card, DM and reminder: in Slack exactly once
            if delivery.method == "chat.postMessage":
                assert len(fake.messages_with_metadata("hiredesk_delivery", key=delivery.key)) == 1, delivery.key
        posted = [m for m in fake.messages if m.metadata and m.metadata.get("event_type") == "hiredesk_delivery"]
        assert len(posted) == len({m.metadata["event_payload"]["key"] for m in posted})

        assert all(t.card_ts for t in tickets) and all(b.card_ts for b in bookings)
        for ticket in tickets:  # the reporter's DM: one delivery, posted once (above)
            told = [d for d in deliveries if d.channel == ticket.reporter_id and d.method == "chat.postMessage"]
            assert len(told) == 1, ticket.reporter_id
        jobs_run = {c.job for c in claims}
        assert {"due-returns", "overdue-returns", "no-shows", "critical-tickets"} <= jobs_run
        assert all(c.posted_at for c in claims), [(c.job, c.subject) for c in claims if not c.posted_at]
        assert len({(c.job, c.subject, c.slot) for c in claims}) == len(claims)
