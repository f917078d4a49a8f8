"""The App Home tab, built from a list of section builders (one per audience).

Other desks add their sections through ``extra_sections`` (already rendered
block dicts): the car-hire desk plugs an agent's "today's pickups and returns"
in there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.services.home import MANAGER_LIST_LIMIT, HomeOverview
from bot.services.tickets.queries import TicketList
from bot.views.hire.bookings import booking_summary
from bot.views.messages import SECTION_TEXT_LIMIT
from bot.views.text import user
from bot.views.tickets.parts import SEVERITY_EMOJI, fit_lines, headline, local_time, status
from db.models import Severity, Ticket, TicketState

HOME_LIST_LIMIT = 10  # tickets per list; the tab holds at most 100 blocks

SectionBuilder = Callable[[HomeOverview], list]


def home_view(overview: HomeOverview, extra_sections: Sequence[Sequence[dict]] = ()) -> dict:
    blocks = [block.to_dict() for builder in SECTION_BUILDERS for block in builder(overview)]
    for section in extra_sections:
        blocks += [DividerBlock().to_dict(), *section]
    return View(type="home", blocks=blocks[:100]).to_dict()


def _welcome(overview: HomeOverview) -> list:
    return [
        HeaderBlock(text="IT help desk"),
        SectionBlock(
            text=MarkdownTextObject(text="Something broken? Raise a ticket and a technician will pick it up."),
            accessory=ButtonElement(text="New ticket", action_id="ticket_new", value="new", style="primary"),
        ),
    ]


def _my_tickets(overview: HomeOverview) -> list:
    return _ticket_list("Your open tickets", overview.my_open, "You have no open tickets. :tada:", accessory=None)


def _queue(overview: HomeOverview) -> list:
    if overview.unassigned is None or overview.assigned_to_me is None:
        return []
    return [
        DividerBlock(),
        *_ticket_list("Queue: unassigned", overview.unassigned, "Nothing waiting for a technician.", accessory=_claim),
        *_ticket_list("Assigned to you", overview.assigned_to_me, "Nothing assigned to you.", accessory=_next_step),
    ]


def _admin(overview: HomeOverview) -> list:
    if overview.admin is None:
        return []
    roles = overview.admin.roles.by_user
    lines = [
        f"• {user(user_id)}: {', '.join(role.value for role in user_roles)}"
        for user_id, user_roles in sorted(roles.items())
    ]
    config = overview.admin.config
    settings = (
        f"Triage channel {_channel(config.triage_channel)} · car hire {_channel(config.fleet_channel)} · "
        f"managers {_channel(config.managers_channel)} · time zone {config.timezone} · digest at {config.digest_time:%H:%M}"
    )
    return [
        DividerBlock(),
        HeaderBlock(text="Roles and settings"),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines[:40]) or "Nobody has a role yet.")),
        ContextBlock(elements=[MarkdownTextObject(text=settings)]),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Change them with `/hiredesk role`, `/hiredesk unrole` and `/hiredesk settings`."
                )
            ]
        ),
    ]


DIGEST_NOW = "home_digest_now"  # the managers' "Digest now" button (value "now")
TARGET_NAMES = {"response": "first response", "resolution": "resolution"}


def _managers(overview: HomeOverview) -> list:
    """Managers (and admins): open tickets by severity, SLA breaches, the oldest open, today's car hire."""
    summary = overview.manager
    if summary is None:
        return []
    tz = overview.config.tz
    counts = " · ".join(
        f"{SEVERITY_EMOJI[severity]} {severity.value.title()} {summary.open_by_severity.get(severity, 0)}"
        for severity in (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)
    )
    breaches = [
        f"• {headline(b.ticket, 200)} · {' and '.join(TARGET_NAMES[t] for t in b.targets)} target missed"
        + (f" · {user(b.ticket.assignee_id)}" if b.ticket.assignee_id else " · _unassigned_")
        for b in summary.breaches
    ]
    if summary.breach_count > len(summary.breaches):
        breaches.append(f"… and {summary.breach_count - len(summary.breaches)} more")
    oldest = [f"• {status(t)} {headline(t, 200)} · opened {local_time(t.created_at, tz)}" for t in summary.oldest_open]
    blocks: list = [
        DividerBlock(),
        HeaderBlock(text="Managers"),
        SectionBlock(
            text=MarkdownTextObject(text=f"*Open tickets* ({summary.open_total})\n{counts}"),
            accessory=ButtonElement(text="Digest now", action_id=DIGEST_NOW, value="now"),
        ),
        _lines_section(
            f"*SLA breaches* ({summary.breach_count})",
            breaches,
            "No open ticket is past its targets. :white_check_mark:",
        ),
        _lines_section("*Oldest open tickets*", oldest, "No open tickets."),
    ]
    if summary.pickups is not None and summary.returns is not None:
        for title, bookings, empty in (
            ("*Pickups today*", summary.pickups, "No more pickups today."),
            ("*Returns due today*", summary.returns, "No more returns due today."),
        ):
            lines = [f"• {booking_summary(b, tz)}" for b in bookings[:MANAGER_LIST_LIMIT]]
            if len(bookings) > MANAGER_LIST_LIMIT:
                lines.append("… and more: `/booking list today`")
            blocks.append(_lines_section(title, lines, empty))
    return blocks


def _lines_section(title: str, lines: list[str], empty: str) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=fit_lines([title, *(lines or [f"_{empty}_"])], SECTION_TEXT_LIMIT))
    )


def _channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "_not set_"


def _ticket_list(title: str, listing: TicketList, empty: str, accessory) -> list:
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*"))]
    if not listing.tickets:
        return [*blocks, ContextBlock(elements=[MarkdownTextObject(text=empty)])]
    for ticket in listing.tickets[:HOME_LIST_LIMIT]:
        assignee = f" · {user(ticket.assignee_id)}" if ticket.assignee_id else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"{status(ticket)}{assignee}\n{headline(ticket, 500)}"),
                accessory=accessory(ticket) if accessory else None,
            )
        )
    more = listing.total - min(len(listing.tickets), HOME_LIST_LIMIT)
    if more > 0:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"… and {more} more: `/ticket queue` or `/ticket list`.")])
        )
    return blocks


def _claim(ticket: Ticket) -> ButtonElement:
    return ButtonElement(text="Assign to me", action_id="ticket_assign_me", value=str(ticket.id))


def _next_step(ticket: Ticket) -> ButtonElement:
    if ticket.state is TicketState.OPEN:
        return ButtonElement(text="Start", action_id="ticket_start", value=str(ticket.id))
    return ButtonElement(text="Resolve", action_id="ticket_resolve", value=str(ticket.id))


SECTION_BUILDERS: list[SectionBuilder] = [_welcome, _my_tickets, _queue, _managers, _admin]
