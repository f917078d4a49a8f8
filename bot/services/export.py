"""CSV exports (PRODUCT.md §3 and §4, "Export"): the parts both desks share.

``/ticket export`` and ``/booking export`` take an optional date range, read in
the workspace's time zone and inclusive at both ends. The command only queues
the export in the outbox (``queue``); the delivery worker writes the CSV to a
temporary file in batches (``write_csv``: constant memory, whatever the
number of rows) and uploads it to the requester's DM (``bot.delivery.file_export``).

Every cell is safe to open in a spreadsheet: text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be read as a formula there
(OWASP "CSV injection"), so it gets a leading ``'``. Times are ISO 8601 in
the workspace's zone, with the offset (``2026-11-24T10:00:00+00:00``).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.orm import Session

from bot.errors import DomainError
from bot.services import outbox
from bot.services.actors import Actor
from bot.services.local_time import at_local
from db.models import Role

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000  # rows read from the database at a time
USAGE = "Give no dates (everything), one date (from that day to today) or two: `YYYY-MM-DD [YYYY-MM-DD]`."
# The days a range may name: the instants bounding them (the day after the last included) are datetimes
# in any time zone. 9999-12-31 has no next day: the worker's query would overflow, the file never come.
EARLIEST, LATEST = date(1900, 1, 1), date(9999, 12, 30)


@dataclass(frozen=True)
class DateRange:
    """Local days, both ends included; None: open on that side."""

    first: date | None = None
    last: date | None = None

    def bounds(self, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The UTC instants [start, end) that the range covers in ``tz``."""
        start = at_local(self.first, time(0), tz) if self.first else None
        end = at_local(self.last + timedelta(days=1), time(0), tz) if self.last else None
        return start, end

    def describe(self) -> str:
        if self.first is None:
            return "everything"
        if self.last is None:
            return f"from {self.first.isoformat()}"
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    def filename_part(self) -> str:
        if self.first is None:
            return "all"
        if self.last is None or self.last == self.first:
            return self.first.isoformat()
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def parse_range(text: str, today: date) -> DateRange:
    """``""`` → everything; ``"2026-11-01"`` → that day to ``today``; two dates → that range."""
    words = text.split()
    if len(words) > 2:
        raise DomainError(f"Too many words after `export`. {USAGE}")
    days = [_day(word) for word in words]
    if not days:
        return DateRange()
    first, last = days[0], days[1] if len(days) == 2 else max(days[0], today)
    if last < first:
        raise DomainError(f"The range ends ({last.isoformat()}) before it starts ({first.isoformat()}).")
    return DateRange(first, last)


def _day(word: str) -> date:
    if len(word) == 10 and word.isascii():
        try:
            day = date.fromisoformat(word)
        except ValueError:
            pass
        else:
            if EARLIEST <= day <= LATEST:
                return day
            raise DomainError(
                f"“{word}” is out of range: give days from {EARLIEST.isoformat()} to {LATEST.isoformat()}. {USAGE}"
            )
    # Echoed only if plainly harmless (no Slack markup can hide in it).
    shown = f"“{word}”" if re.fullmatch(r"[A-Za-z0-9./-]{1,20}", word) else "That"
    raise DomainError(f"{shown} is not a date like 2026-11-24. {USAGE}")


# --- cells and rows ---------------------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local_iso(moment: datetime | None, tz: ZoneInfo) -> str:
    """``2026-11-24T10:00:00+00:00``: the instant in the workspace's zone, with its offset."""
    return moment.astimezone(tz).replace(microsecond=0).isoformat() if moment else ""


def money(amount: Decimal | None) -> str:
    return f"{amount:.2f}" if amount is not None else ""


def yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "no")


def write_csv(out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``header`` and ``rows`` (safe cells, UTF-8 with a byte-order mark so spreadsheets read
    the accents right) to ``out`` as they come; returns the number of data rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow([safe_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
    text.flush()
    text.detach()  # leave ``out`` open for the upload
    return count


def pages(session: Session, statement: Select[Any], id_column: Any) -> Iterator[list[Any]]:
    """The rows of ``statement`` (whose first column is ``id_column``) in id order, ``BATCH`` at a
    time, read by keyset (``id > last``): memory stays flat and no row is skipped or read twice."""
    last = 0
    while True:
        rows = list(session.execute(statement.where(id_column > last).order_by(id_column).limit(BATCH)).all())
        yield rows
        session.expunge_all()  # let the batch's objects go
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


# --- desks and queueing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What to export: a workspace's records in [start, end) (UTC; None: open), shown in ``tz``."""

    team_id: str
    start: datetime | None
    end: datetime | None
    tz: ZoneInfo
    options: dict[str, Any]  # what the desk noted when the export was asked (e.g. the SLA targets)

    def within(self, statement: Select[Any], column: Any) -> Select[Any]:
        """``statement`` limited to rows whose ``column`` falls in the range."""
        if self.start is not None:
            statement = statement.where(column >= self.start)
        if self.end is not None:
            statement = statement.where(column < self.end)
        return statement


@dataclass(frozen=True)
class Desk:
    """One exportable desk: who may export, the columns, and the rows of a query, read in batches."""

    name: str  # "tickets" | "bookings": the delivery's payload names it
    roles: tuple[Role, ...]
    title: str  # "Tickets"
    header: Sequence[str]
    rows: Callable[[Session, Query], Iterable[Sequence[Any]]]


@dataclass(frozen=True)
class Queued:
    key: str
    range: DateRange


def queue(
    session: Session,
    actor: Actor,
    desk: Desk,
    text: str,
    *,
    tz: ZoneInfo,
    today: date,
    options: dict[str, Any] | None = None,
) -> Queued:
    """Check the actor may export ``desk``, read the range, and queue the file for their DM."""
    actor.require(*desk.roles, to=f"export {desk.name}")
    span = parse_range(text, today)
    key = f"{actor.team_id}:export:{desk.name}:{actor.user_id}:{secrets.token_hex(8)}"
    payload = {
        "desk": desk.name,
        "first": span.first.isoformat() if span.first else None,
        "last": span.last.isoformat() if span.last else None,
        "tz": tz.key,
        "options": options or {},
        "filename": f"{desk.name}-{span.filename_part()}.csv",
        "title": f"{desk.title} export ({span.describe()})",
    }
    outbox.upload(session, actor.team_id, key, actor.user_id, payload, label=f"the {desk.name} export")
    return Queued(key, span)


def range_of(payload: dict[str, Any]) -> DateRange:
    """The range a queued export's payload names."""
    first, last = payload.get("first"), payload.get("last")
    return DateRange(date.fromisoformat(first) if first else None, date.fromisoformat(last) if last else None)


def query_of(team_id: str, payload: dict[str, Any]) -> Query:
    """The query a queued export's payload names."""
    tz = ZoneInfo(payload["tz"])
    start, end = range_of(payload).bounds(tz)
    return Query(team_id, start, end, tz, payload.get("options") or {})
