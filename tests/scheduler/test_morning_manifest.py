"""The morning manifest (PRODUCT.md §5): at 08:00 local, today's pickups and returns in one message
in the car hire channel, exactly once (the due-returns job's claims), over both databases."""

from __future__ import annotations

import json

from freezegun import freeze_time

from db.models import BookingStatus, Vehicle

from . import factories as f
from .conftest import listed


def test_one_message_lists_todays_pickups_and_returns_once(live_app, run_job_at):
    with live_app.db.transaction() as s:
        pickup = f.booking(s, pickup=f.utc(2026, 11, 25, 11), due=f.utc(2026, 11, 27, 9), status=BookingStatus.RESERVED)
        same_day = f.booking(
            s, pickup=f.utc(2026, 11, 25, 9), due=f.utc(2026, 11, 25, 18), status=BookingStatus.RESERVED
        )
        back = f.booking(s, pickup=f.utc(2026, 11, 23, 9), due=f.utc(2026, 11, 25, 16))
        f.booking(
            s, pickup=f.utc(2026, 11, 26, 9), due=f.utc(2026, 11, 28, 9), status=BookingStatus.RESERVED
        )  # tomorrow
        f.booking(  # booked after the manifest went out: not in it
            s, pickup=f.utc(2026, 11, 25, 15), due=f.utc(2026, 11, 26, 9), status=BookingStatus.RESERVED,
            created=f.utc(2026, 11, 25, 9),
        )  # fmt: skip

    with freeze_time(f.utc(2026, 11, 25, 7, 59)):
        run_job_at("due-returns")
    assert run_job_at.posts("CFLEET") == []

    with freeze_time(f.utc(2026, 11, 25, 8, 0)):
        assert run_job_at("due-returns").ok
    (manifest,) = run_job_at.posts("CFLEET")
    assert listed(manifest, "booking_picked_up") == [
        ("today-pickup", str(same_day.id)),
        ("today-pickup", str(pickup.id)),
    ]
    assert listed(manifest, "booking_returned") == [("today", str(back.id)), ("today", str(same_day.id))]
    text = json.dumps(manifest.args["blocks"])
    assert text.index("Pickups today* (2)") < text.index("Returns due today* (2)")
    # Each reader sees their own zone; the workspace's (London) time is the fallback.
    assert f"<!date^{int(pickup.pickup_at.timestamp())}^{{date_short_pretty}} {{time}}|Wed 25 Nov, 11:00>" in text

    for later in (f.utc(2026, 11, 25, 8, 1), f.utc(2026, 11, 25, 12)):
        with freeze_time(later):
            run_job_at("due-returns")
    assert [p for p in run_job_at.posts("CFLEET") if "Pickups today" in json.dumps(p.args)] == [manifest]


def test_a_return_already_overdue_is_listed_as_overdue_only(live_app, run_job_at):
    """The morning list and the overdue list never show the same booking: one due back at 06:00
    (grace 60 min) is overdue at 08:00, so the overdue list has it and the morning list does not."""
    with live_app.db.transaction() as s:
        early = f.booking(s, pickup=f.utc(2026, 11, 23, 9), due=f.utc(2026, 11, 25, 6))
        later = f.booking(s, pickup=f.utc(2026, 11, 23, 9), due=f.utc(2026, 11, 25, 16))

    with freeze_time(f.utc(2026, 11, 25, 8, 0)):
        run_job_at("due-returns")
        run_job_at("overdue-returns")
    listings = [
        (kind, value) for post in run_job_at.posts("CFLEET") for kind, value in listed(post, "booking_returned")
    ]
    assert sorted(listings) == sorted([("today", str(later.id)), ("overdue", str(early.id))])


def test_a_pickup_whose_car_is_still_out_says_so_on_the_morning_list(live_app, run_job_at):
    with live_app.db.transaction() as s:
        late = f.booking(s, pickup=f.utc(2026, 11, 23, 9), due=f.utc(2026, 11, 25, 6))  # not back
        f.booking(
            s, pickup=f.utc(2026, 11, 25, 11), due=f.utc(2026, 11, 26, 9), status=BookingStatus.RESERVED,
            car=s.get(Vehicle, late.vehicle_id),
        )  # fmt: skip
    with freeze_time(f.utc(2026, 11, 25, 8, 0)):
        run_job_at("due-returns")
    (manifest,) = run_job_at.posts("CFLEET")
    assert f"the car is still out with *{late.key}*" in json.dumps(manifest.args["blocks"])
