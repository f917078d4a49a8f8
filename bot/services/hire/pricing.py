"""Money rules of the car hire desk (PRODUCT.md §4). Decimal everywhere.

Rental days are counted on the workspace's wall clock, so a booking from
10:00 to 10:00 two days later is two days even when a daylight-saving change
falls in between (the period is 47 or 49 real hours then).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)
CENTS = Decimal("0.01")


def started_days(length: timedelta) -> int:
    """Whole days in ``length``, a started day counting as a day (at least one)."""
    return max(1, math.ceil(length / DAY))


def rental_days(pickup_at: datetime, return_due_at: datetime, tz: ZoneInfo) -> int:
    wall_clock = return_due_at.astimezone(tz).replace(tzinfo=None) - pickup_at.astimezone(tz).replace(tzinfo=None)
    return started_days(wall_clock)


def quote(daily_rate: Decimal, pickup_at: datetime, return_due_at: datetime, tz: ZoneInfo) -> Decimal:
    return (daily_rate * rental_days(pickup_at, return_due_at, tz)).quantize(CENTS)


def late_days(return_due_at: datetime, returned_at: datetime, grace: timedelta) -> int:
    """Started days late, counted from the due time; none within the grace period."""
    if returned_at <= return_due_at + grace:
        return 0
    return started_days(returned_at - return_due_at)


def late_fee(daily_rate: Decimal, return_due_at: datetime, returned_at: datetime, grace: timedelta) -> Decimal:
    return (daily_rate * late_days(return_due_at, returned_at, grace)).quantize(CENTS)


# A tank in eighths, as the pick-up and return modals offer it (index = eighths).
FUEL_LEVELS = ("empty", "1/8", "1/4", "3/8", "1/2", "5/8", "3/4", "7/8", "full")


def refuel_charge(fuel_out: str | None, fuel_in: str, per_eighth: Decimal) -> Decimal:
    """``per_eighth`` for each eighth of a tank the car came back below its pick-up level
    (none if the pick-up level was not recorded)."""
    if fuel_out not in FUEL_LEVELS:
        return Decimal("0.00")
    missing = FUEL_LEVELS.index(fuel_out) - FUEL_LEVELS.index(fuel_in)
    return (per_eighth * max(0, missing)).quantize(CENTS)


def total_due(quoted_price: Decimal, late_fee: Decimal | None, refuel_charge: Decimal | None) -> Decimal:
    """What a returned booking costs: its price, the late fee and the refuel charge (the digest's
    revenue sums the same, in SQL)."""
    return quoted_price + (late_fee or Decimal(0)) + (refuel_charge or Decimal(0))
