"""Money rules, pure (no database): started days, DST, late fees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.services.hire import pricing
from bot.services.local_time import at_local, local, local_day_bounds

LONDON = ZoneInfo("Europe/London")
UTC_ZONE = ZoneInfo("UTC")
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_a_started_day_counts_as_a_day():
    assert pricing.rental_days(T0, T0 + timedelta(hours=3), LONDON) == 1
    assert pricing.rental_days(T0, T0 + timedelta(days=1), LONDON) == 1
    assert pricing.rental_days(T0, T0 + timedelta(days=1, minutes=1), LONDON) == 2
    assert pricing.quote(Decimal("39.99"), T0, T0 + timedelta(days=2, hours=1), LONDON) == Decimal("119.97")


def test_daylight_saving_changes_do_not_shift_the_price():
    # Clocks go back on 25 Oct 2026 and forward on 29 Mar 2026 in London: 10:00 to 10:00 is still 2 days.
    for day in (24, 28):
        month = 10 if day == 24 else 3
        pickup = at_local(datetime(2026, month, day).date(), datetime.min.time().replace(hour=10), LONDON)
        due = at_local(datetime(2026, month, day + 2).date(), datetime.min.time().replace(hour=10), LONDON)
        assert (due - pickup) != timedelta(days=2)  # 47 or 49 real hours…
        assert pricing.rental_days(pickup, due, LONDON) == 2  # …two days on the counter's clock
        assert local(pickup, LONDON).endswith("10:00 " + pickup.astimezone(LONDON).tzname())


def test_local_days_are_23_or_25_hours_on_dst_days():
    start, end = local_day_bounds(datetime(2026, 10, 25, 12, tzinfo=UTC), LONDON)
    assert end - start == timedelta(hours=25)


def test_late_fee_after_grace_counts_started_days_from_due():
    due, grace, rate = T0, timedelta(hours=1), Decimal("50.00")
    assert pricing.late_fee(rate, due, due + timedelta(minutes=60), grace) == Decimal("0.00")
    assert pricing.late_fee(rate, due, due + timedelta(minutes=61), grace) == Decimal("50.00")
    assert pricing.late_fee(rate, due, due + timedelta(days=1), grace) == Decimal("50.00")
    assert pricing.late_fee(rate, due, due + timedelta(days=1, seconds=1), grace) == Decimal("100.00")


@given(hours=st.integers(min_value=1, max_value=24 * 365), rate=st.decimals("0.01", "999.99", places=2))
def test_quote_is_rate_times_started_days(hours, rate):
    quote = pricing.quote(rate, T0, T0 + timedelta(hours=hours), UTC_ZONE)
    assert quote == rate * -(-hours // 24)
    assert quote >= rate


@given(late=st.integers(min_value=0, max_value=24 * 60 * 30), grace=st.integers(min_value=0, max_value=600))
def test_no_late_fee_within_grace_and_one_rate_per_started_day_after(late, grace):
    fee = pricing.late_fee(Decimal("10"), T0, T0 + timedelta(minutes=late), timedelta(minutes=grace))
    expected = 0 if late <= grace else -(-late // (24 * 60))
    assert fee == Decimal(10 * expected).quantize(Decimal("0.01"))


def test_refuel_charge_per_eighth_below_the_pick_up_level():
    per = Decimal("7.50")
    assert pricing.refuel_charge("full", "3/4", per) == Decimal("15.00")
    assert pricing.refuel_charge("1/2", "full", per) == Decimal("0.00")  # more fuel is not credited
    assert pricing.refuel_charge("7/8", "empty", per) == Decimal("52.50")
    assert pricing.refuel_charge(None, "empty", per) == Decimal("0.00")  # picked up before it was recorded
