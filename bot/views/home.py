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

from bot.services.home import HomeOverview
from bot.services.tickets.queries import TicketList
from bot.views.text import user
from bot.views.tickets.parts import headline, status
from db.models import Ticket, TicketState

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


SECTION_BUILDERS: list[SectionBuilder] = [_welcome, _my_tickets, _queue, _admin]
