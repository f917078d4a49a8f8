"""The rules of PRODUCT.md §4, enforced by the booking services (no Slack), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from bot.errors import DomainError, FormErrors, NotFound, PermissionDenied
from bot.services.clock import utcnow
from bot.services.hire import booking_queries
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import NewBooking, PickUpValues, ReturnValues
from bot.services.hire.vehicles import set_status
from bot.services.local_time import local
from bot.services.workspaces import ensure_workspace
from db.models import Booking, BookingStatus, VehicleStatus
from db.session import Database

from .helpers import NOW, SETTINGS, TEAM, actor, add_customer, add_vehicle, make_agent, stored_bookings

LONDON = ZoneInfo("Europe/London")
TEN = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)


def create(db, customer, vehicle, pickup, due, user="UAGENT"):
    with db.transaction() as session:
        return booking_service.create_booking(
            session, actor(session, user), NewBooking(customer, vehicle, pickup, due), SETTINGS
        )


def refused(db, field, *args, **kwargs) -> str:
    with pytest.raises(FormErrors) as raised:
        create(db, *args, **kwargs)
    assert list(raised.value.errors) == [field], raised.value.errors
    return raised.value.errors[field]


def test_return_must_follow_pickup_and_pickup_not_be_past(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    assert refused(desk, "return_due", c, v, TEN, TEN) == "Return must be after pickup."
    assert refused(desk, "pickup", c, v, NOW - timedelta(hours=1), TEN) == "Pickup can't be in the past."
    create(desk, c, v, NOW - timedelta(minutes=10), TEN)  # a walk-in entered a few minutes late is fine


def test_only_available_vehicles_can_be_booked(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    with desk.transaction() as session:
        set_status(session, actor(session, "UAGENT"), "AB12CDE", VehicleStatus.MAINTENANCE)
    assert "AB12CDE is maintenance" in refused(desk, "vehicle", c, v, TEN, TEN + timedelta(days=1))


def test_licence_must_be_valid_until_the_return(desk):
    c = add_customer(desk, licence_expiry=date(2026, 6, 3))
    v = add_vehicle(desk)
    assert "licence expires on 3 Jun 2026" in refused(desk, "customer", c, v, TEN, TEN + timedelta(days=2))
    create(desk, c, v, TEN, TEN + timedelta(days=1))  # due back on the expiry day: still valid


def test_do_not_rent_customers_cannot_book(desk):
    c, v = add_customer(desk, do_not_rent=True), add_vehicle(desk)
    assert "flagged do-not-rent" in refused(desk, "customer", c, v, TEN, TEN + timedelta(days=1))


def test_overlap_is_refused_naming_the_booking_and_offering_free_vehicles(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    add_vehicle(desk, registration="ECO 2")
    add_vehicle(desk, registration="VAN 1", category="van")
    create(desk, c, v, TEN, TEN + timedelta(days=2))
    message = refused(desk, "vehicle", c, v, TEN + timedelta(days=1), TEN + timedelta(days=3))
    assert message == ("AB12CDE is booked then (B-1, Tue 2 Jun 10:00 – Thu 4 Jun 10:00). Free economy: ECO2.")


def test_back_to_back_bookings_do_not_clash(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    create(desk, c, v, TEN, TEN + timedelta(days=1))
    second = create(desk, c, v, TEN + timedelta(days=1), TEN + timedelta(days=2))  # return 10:00, pickup 10:00
    earlier = create(desk, c, v, TEN - timedelta(hours=3), TEN)
    assert (second.number, earlier.number) == (2, 3)


def test_cancelled_bookings_free_their_vehicle(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    first = create(desk, c, v, TEN, TEN + timedelta(days=1))
    with desk.transaction() as session:
        booking_service.cancel(session, actor(session, "UAGENT"), first.id)
    create(desk, c, v, TEN, TEN + timedelta(days=1))


def test_extension_passes_the_overlap_rule(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    first = create(desk, c, v, TEN, TEN + timedelta(days=1))
    create(desk, c, v, TEN + timedelta(days=2), TEN + timedelta(days=3))
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        with pytest.raises(FormErrors, match=r"booked then \(B-2"):
            booking_service.extend(session, agent, first.id, TEN + timedelta(days=2, hours=1), SETTINGS)
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        extended = booking_service.extend(session, agent, first.id, TEN + timedelta(days=2), SETTINGS)  # back to back
        assert extended.quoted_price == Decimal("80.00")
        assert [e.kind for e in extended.events] == ["created", "extended"]
    with desk.transaction() as session, pytest.raises(FormErrors, match="after the current return"):
        booking_service.extend(session, actor(session, "UAGENT"), first.id, TEN + timedelta(days=1), SETTINGS)


def test_return_records_everything_and_charges_late_days_after_grace(desk):
    c, v = add_customer(desk), add_vehicle(desk, daily_rate="40.00", odometer="1000")
    booking = create(desk, c, v, NOW, NOW + timedelta(days=1))
    with desk.transaction() as session:
        booking_service.pick_up(session, actor(session, "UAGENT"), booking.id)
    due = NOW + timedelta(days=1)

    def give_back(at, odometer="1200", fuel="full"):
        with freeze_time(at + timedelta(minutes=1)), desk.transaction() as session:
            return booking_service.return_booking(
                session, actor(session, "UAGENT"), booking.id, ReturnValues(at, odometer, fuel, "dent"), SETTINGS
            )

    with pytest.raises(FormErrors) as raised:
        give_back(due, odometer="999", fuel=None)
    assert set(raised.value.errors) == {"odometer", "fuel"}
    with pytest.raises(FormErrors, match="can't be earlier"):
        give_back(NOW - timedelta(hours=1))
    returned = give_back(due + timedelta(days=1, minutes=1))  # one day and a minute late: two started days
    assert (returned.status, returned.late_fee, returned.odometer_in) == (
        BookingStatus.RETURNED,
        Decimal("80.00"),
        1200,
    )
    assert returned.vehicle.odometer == 1200
    with pytest.raises(DomainError, match="is returned, so it can't be returned"):
        give_back(due)


def test_within_grace_there_is_no_late_fee(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    booking = create(desk, c, v, NOW, NOW + timedelta(days=1))
    with desk.transaction() as session:
        booking_service.pick_up(session, actor(session, "UAGENT"), booking.id)
    at = NOW + timedelta(days=1, minutes=60)  # exactly the default hour of grace
    with freeze_time(at), desk.transaction() as session:
        returned = booking_service.return_booking(
            session, actor(session, "UAGENT"), booking.id, ReturnValues(at, "1000", "1/2", ""), SETTINGS
        )
    assert returned.late_fee == Decimal("0.00")


def test_a_return_in_the_minute_of_the_pick_up_is_not_earlier(desk):
    """Slack's date-time picker chooses whole minutes: a car handed over at 09:00:40 and brought
    straight back is returned "at 09:00", which is not before its pick-up; 08:59 is."""
    c, v = add_customer(desk), add_vehicle(desk)
    booking = create(desk, c, v, NOW, NOW + timedelta(days=1))
    with freeze_time(NOW + timedelta(seconds=40)), desk.transaction() as session:
        booking_service.pick_up(session, actor(session, "UAGENT"), booking.id)

    def give_back(at):
        with freeze_time(NOW + timedelta(seconds=50)), desk.transaction() as session:
            values = ReturnValues(at, "1000", "full", "")
            return booking_service.return_booking(session, actor(session, "UAGENT"), booking.id, values, SETTINGS)

    with pytest.raises(FormErrors, match="can't be earlier"):
        give_back(NOW - timedelta(minutes=1))
    assert give_back(NOW).status is BookingStatus.RETURNED


def test_the_refuel_charge_per_eighth_is_a_workspace_setting(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    booking = create(desk, c, v, NOW, NOW + timedelta(days=1))
    with desk.transaction() as session:
        booking_service.pick_up(session, actor(session, "UAGENT"), booking.id, PickUpValues(fuel="3/4"))
        ensure_workspace(session, TEAM).refuel_charge = Decimal("2.50")
    with freeze_time(NOW + timedelta(hours=5)), desk.transaction() as session:
        values = ReturnValues(NOW + timedelta(hours=5), "1100", "3/8", "")  # three eighths below 3/4
        returned = booking_service.return_booking(session, actor(session, "UAGENT"), booking.id, values, SETTINGS)
    assert returned.refuel_charge == Decimal("7.50")


def test_lifecycle_states_are_enforced(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    booking = create(desk, c, v, TEN, TEN + timedelta(days=1))
    with desk.transaction() as session, pytest.raises(DomainError, match="is reserved, so it can't be returned"):
        booking_service.check_action(session, actor(session, "UAGENT"), booking.id, "return")
    with desk.transaction() as session:
        booking_service.pick_up(session, actor(session, "UAGENT"), booking.id)
    with desk.transaction() as session, pytest.raises(DomainError, match="is active, so it can't be cancelled"):
        booking_service.cancel(session, actor(session, "UAGENT"), booking.id)


def test_only_agents_and_admins_change_bookings(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    with pytest.raises(PermissionDenied, match=re.escape("Only agents or admins can create bookings.")):
        create(desk, c, v, TEN, TEN + timedelta(days=1), user="UMANAGER")
    booking = create(desk, c, v, TEN, TEN + timedelta(days=1), user="UADMIN")
    for user in ("UEMPLOYEE", "UTECH"):
        with desk.transaction() as session, pytest.raises(PermissionDenied, match="Only agents or admins can pick up"):
            booking_service.pick_up(session, actor(session, user), booking.id)


def test_other_workspaces_ids_are_not_found(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    booking = create(desk, c, v, TEN, TEN + timedelta(days=1))
    theirs_c, theirs_v = add_customer(desk, team="T0THER"), add_vehicle(desk, team="T0THER")
    with pytest.raises(FormErrors, match="No such customer"):
        create(desk, theirs_c, v, TEN + timedelta(days=2), TEN + timedelta(days=3))
    with pytest.raises(FormErrors, match="No such vehicle"):
        create(desk, c, theirs_v, TEN + timedelta(days=2), TEN + timedelta(days=3))
    with desk.transaction() as session, pytest.raises(NotFound):
        booking_service.cancel(session, actor(session, "UADMIN", team="T0THER"), booking.id)


def test_exclusion_constraint_refusal_reads_like_the_check(postgres_url, monkeypatch):
    """Two requests that both passed the check: PostgreSQL's constraint refuses the second (23P01),
    and the agent sees the same message as from the check."""
    db = Database(postgres_url)
    try:
        with freeze_time(NOW):
            make_agent(db)
            c, v = add_customer(db), add_vehicle(db)
            create(db, c, v, TEN, TEN + timedelta(days=2))
            monkeypatch.setattr(booking_service, "_refuse_overlap", lambda *args, **kwargs: None)  # as if racing
            message = refused(db, "vehicle", c, v, TEN + timedelta(days=1), TEN + timedelta(days=3))
        assert (
            message == "AB12CDE is booked then (B-1, Tue 2 Jun 10:00 – Thu 4 Jun 10:00). No other economy is free then."
        )
        with db.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Booking)) == 1
    finally:
        db.dispose()


def test_todays_movements_follow_the_workspace_day(desk):
    c, v = add_customer(desk), add_vehicle(desk)
    other = add_vehicle(desk, registration="OTHER1")
    today = create(desk, c, v, NOW + timedelta(hours=2), NOW + timedelta(days=3))  # 11:00 London today
    tomorrow = create(desk, c, other, NOW + timedelta(hours=17), NOW + timedelta(days=1))  # 01:00 London tomorrow
    with desk.transaction() as session:
        agent = actor(session, "UAGENT")
        pickups, returns = booking_queries.todays_movements(session, agent, NOW, LONDON)
        assert [b.id for b in pickups] == [today.id] and returns == []
        booking_service.pick_up(session, agent, tomorrow.id)
    with freeze_time(NOW + timedelta(hours=20)), desk.transaction() as session:
        pickups, returns = booking_queries.todays_movements(session, actor(session, "UAGENT"), utcnow(), LONDON)
        assert [b.id for b in returns] == [tomorrow.id]
        with pytest.raises(PermissionDenied):
            booking_queries.todays_movements(session, actor(session, "UEMPLOYEE"), utcnow(), LONDON)


def test_a_booking_across_the_clock_change_keeps_its_wall_clock_times_and_price(database):
    with freeze_time(datetime(2026, 10, 20, tzinfo=UTC)):
        make_agent(database)
        c, v = add_customer(database), add_vehicle(database, daily_rate="40.00")
        pickup = datetime(2026, 10, 24, 9, 0, tzinfo=UTC)  # Sat 10:00 BST
        due = datetime(2026, 10, 26, 10, 0, tzinfo=UTC)  # Mon 10:00 GMT: 49 real hours later
        booking = create(database, c, v, pickup, due)
    assert booking.quoted_price == Decimal("80.00")
    (stored,) = stored_bookings(database)
    assert (stored.pickup_at, stored.return_due_at) == (pickup, due)
    assert (local(stored.pickup_at, LONDON), local(stored.return_due_at, LONDON)) == (
        "Sat 24 Oct 2026, 10:00 BST",
        "Mon 26 Oct 2026, 10:00 GMT",
    )


def test_lists_of_active_overdue_and_upcoming_bookings(desk):
    c = add_customer(desk)
    cars = [add_vehicle(desk, registration=f"CAR {i}") for i in range(3)]
    out = create(desk, c, cars[0], NOW, NOW + timedelta(hours=2))
    late = create(desk, c, cars[1], NOW, NOW + timedelta(hours=1))
    coming = create(desk, c, cars[2], NOW + timedelta(days=1), NOW + timedelta(days=2))
    with desk.transaction() as session:
        for booking in (out, late):
            booking_service.pick_up(session, actor(session, "UAGENT"), booking.id)
    with freeze_time(NOW + timedelta(hours=2, minutes=30)), desk.transaction() as session:
        agent = actor(session, "UAGENT")
        listed = {
            kind: [b.id for b in booking_queries.list_bookings(session, agent, kind, SETTINGS).bookings.items]
            for kind in ("active", "overdue", "upcoming")
        }
    # due 09:00 UTC + 1 h grace has passed for `late`; `out` is due 10:00, still within its grace
    assert listed == {"active": [late.id, out.id], "overdue": [late.id], "upcoming": [coming.id]}
