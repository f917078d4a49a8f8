"""The managers' digest: numbers first, a section per desk, the oldest open
tickets and the overdue bookings named."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.services.digest import Digest, TargetShare
from bot.services.reminders.claims import Reminder
from bot.services.tickets.csat import CsatSummary
from bot.views.messages import SECTION_TEXT_LIMIT, blocks_to_dicts
from bot.views.text import safe, truncate, user
from bot.views.tickets.parts import SEVERITY_EMOJI
from bot.views.when import duration, local_day_time
from db.models import Severity


def digest_message(digest: Digest) -> dict:
    tz = digest.timezone
    period = "last 7 days" if digest.weekly else "last 24 hours"
    title = f"{'Weekly' if digest.weekly else 'Daily'} digest — {digest.day.strftime('%a %-d %b %Y')}"
    blocks = [
        HeaderBlock(text=title),
        SectionBlock(
            text=MarkdownTextObject(text=f":computer: *IT help desk* ({period})"),
            fields=_fields(
                {
                    "Opened": str(digest.tickets_opened),
                    "Resolved": str(digest.tickets_resolved),
                    "Open now": " · ".join(
                        f"{SEVERITY_EMOJI[s]} {s.value.title()} {n}" for s, n in _by_severity(digest)
                    ),
                    "Mean time to resolve": duration(digest.mean_time_to_resolve)
                    if digest.mean_time_to_resolve
                    else "—",
                    "First response on time": _share(digest.sla_response),
                    "Resolved on time": _share(digest.sla_resolution),
                    "Satisfaction": _csat(digest.csat),
                }
            ),
        ),
    ]
    if digest.oldest_open:
        lines = [
            f"• *{t.key}* {safe(t.title, 150)} — {t.severity.value}, opened {local_day_time(t.created_at, tz)}, "
            + ("unassigned" if t.assignee_id is None else user(t.assignee_id))
            for t in digest.oldest_open
        ]
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=truncate("*Oldest open*\n" + "\n".join(lines), SECTION_TEXT_LIMIT))
            )
        )
    blocks += [
        DividerBlock(),
        SectionBlock(
            text=MarkdownTextObject(text=":car: *Car hire*"),
            fields=_fields(
                {
                    "Pickups today": str(digest.pickups_today),
                    "Returns due today": str(digest.returns_today),
                    "Overdue": str(digest.overdue_count),
                    "Fleet utilisation": _utilisation(digest),
                    "Revenue, last 7 days": f"{digest.revenue_week:,.2f}",
                }
            ),
        ),
    ]
    if digest.overdue:
        lines = [
            f"• *{b.key}* {safe(b.customer, 200)} · {safe(b.vehicle, 200)} — was due {local_day_time(b.return_due_at, tz)}"
            for b in digest.overdue
        ]
        more = digest.overdue_count - len(digest.overdue)
        if more > 0:
            lines.append(f"…and {more} more (`/booking list overdue`)")
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=truncate("*Overdue*\n" + "\n".join(lines), SECTION_TEXT_LIMIT)))
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"From {local_day_time(digest.since, tz)} to {local_day_time(digest.until, tz)} ({tz})."
                )
            ]
        )
    )
    text = (
        f"{title}: {digest.tickets_opened} tickets opened, {digest.tickets_resolved} resolved, "
        f"{digest.open_total} open; {digest.overdue_count} bookings overdue."
    )
    return {"text": text, "blocks": blocks_to_dicts(blocks)}


def scheduled_digest_message(reminders: list[Reminder]) -> dict:
    """The digest job posts one digest per workspace and channel."""
    (reminder,) = reminders
    return digest_message(reminder.item)


def _fields(values: dict[str, str]) -> list[MarkdownTextObject]:
    return [MarkdownTextObject(text=f"*{name}*\n{value}") for name, value in values.items()]


def _by_severity(digest: Digest):
    return [(s, digest.open_by_severity.get(s, 0)) for s in (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)]


def _share(share: TargetShare) -> str:
    """87% (13 of 15) · — (none due)"""
    if share.share is None:
        return "— (none due)"
    return f"{share.share:.0%} ({share.met} of {share.decided})"


def _csat(summary: CsatSummary) -> str:
    """4.2/5 (12 ratings) · — (no ratings)"""
    if summary.average is None:
        return "— (no ratings)"
    return f"{summary.average:.1f}/5 ({summary.count} rating{'' if summary.count == 1 else 's'})"


def _utilisation(digest: Digest) -> str:
    if digest.utilisation is None:
        return "no vehicles"
    return f"{digest.utilisation:.0%} ({digest.vehicles_on_hire} of {digest.fleet_size} on hire)"
