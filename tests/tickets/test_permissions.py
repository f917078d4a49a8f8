"""Every refusal of PRODUCT.md §1, over signed HTTP: each role × each ticket
action is either allowed or refused with an ephemeral message naming the role,
and a refused action changes nothing. Also: another workspace's ticket id."""

from __future__ import annotations

import pytest

from bot.errors import NotFound
from bot.sandbox.signed_requests import SignedSlackClient
from bot.services import roles as role_service
from bot.services.actors import load_actor
from bot.services.tickets import forms, lifecycle, queries
from db.models import Role, Ticket, TicketEvent

USERS = {
    "reporter": "UEMPLOYEE",
    "other employee": "UOTHER",
    "technician": "UTECH",
    "agent": "UAGENT",
    "manager": "UMANAGER",
    "admin": "UADMIN",
}
GRANTS = {"UTECH": Role.TECHNICIAN, "UTECH2": Role.TECHNICIAN, "UAGENT": Role.AGENT, "UMANAGER": Role.MANAGER}
TECHNICIAN = {"technician", "admin"}
REPORTER_OR_TECHNICIAN = {"reporter", "technician", "admin"}

# action → (who may, what everybody else is told); {key} is the ticket's key
MATRIX = {
    "view": (
        {"reporter", "technician", "manager", "admin"},
        "Only the reporter of {key}, technicians, managers or admins can see it.",
    ),
    "queue": ({"technician", "manager", "admin"}, "Only technicians, managers or admins can see the ticket queue."),
    "ticket_assign_me": (TECHNICIAN, "Only technicians or admins can take tickets."),
    "ticket_assign": (TECHNICIAN, "Only technicians or admins can assign tickets."),
    "ticket_severity": (TECHNICIAN, "Only technicians or admins can change a ticket's severity."),
    "ticket_start": (TECHNICIAN, "Only technicians or admins can start work on tickets."),
    "ticket_resolve": (TECHNICIAN, "Only technicians or admins can resolve tickets."),
    "ticket_add_note": (TECHNICIAN, "Only technicians or admins can add internal notes."),
    "ticket_wait": (TECHNICIAN, "Only technicians or admins can ask the reporter for information."),
    "ticket_reply": (REPORTER_OR_TECHNICIAN, "Only the reporter of {key}, technicians or admins can comment on it."),
    "ticket_edit": (REPORTER_OR_TECHNICIAN, "Only the reporter of {key}, technicians or admins can edit it."),
    "ticket_reopen": (REPORTER_OR_TECHNICIAN, "Only the reporter of {key}, technicians or admins can reopen it."),
    "ticket_delete": ({"admin"}, "Only admins can delete tickets."),
}
OPENS_MODAL = {"ticket_resolve", "ticket_add_note", "ticket_reply", "ticket_edit", "ticket_wait"}
CLICKED_STATE = {
    "ticket_assign": {"selected_user": "UTECH2"},
    "ticket_severity": {"selected_option": {"value": "CRITICAL"}},
}


def grant_roles(live_app) -> None:
    with live_app.db.transaction() as session:
        admin = load_actor(session, live_app.slack.team_id, "UADMIN", ["UADMIN"])
        for user, role in GRANTS.items():
            role_service.grant(session, admin, user, role)


def new_ticket(db, team_id: str, *, resolved: bool = False) -> Ticket:
    """A ticket reported by UEMPLOYEE (resolved, for Reopen), made by the services directly."""
    with db.transaction() as session:
        reporter = load_actor(session, team_id, "UEMPLOYEE")
        form = forms.parse_ticket_form("Monitor flickers", "Since Monday", "hardware", "MINOR")
        ticket = lifecycle.create(session, reporter, form).ticket
        if resolved:
            lifecycle.resolve(session, load_actor(session, team_id, "UADMIN", ["UADMIN"]), ticket.id, "Cable replaced")
        return ticket


def history_length(db, ticket_id: int) -> int:
    with db.transaction() as session:
        return session.query(TicketEvent).filter_by(ticket_id=ticket_id).count()


def click(slack: SignedSlackClient, action_id: str, ticket_id: int, user: str):
    element = {
        "action_id": action_id,
        "block_id": f"ticket_actions:{ticket_id}",
        **CLICKED_STATE.get(action_id, {"value": str(ticket_id)}),
    }
    response = slack.block_action(element, user=user, channel="CTRIAGE")
    assert response.status == 200, response.body


def refusal_for(live_app, user: str, count: int) -> str:
    """The ``count``-th refusal ``user`` was shown (an ephemeral answer through the response_url)."""

    def refused(call) -> bool:
        return f".{user}." in call.args["key"] and call.args.get("text", "").startswith(":no_entry_sign:")

    return (
        live_app.fake.wait_for("response_url", refused, count=count)[count - 1]
        .args["text"]
        .removeprefix(":no_entry_sign: ")
    )


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_and_ticket_action(live_app, role):
    grant_roles(live_app)
    user, fake, db, team = USERS[role], live_app.fake, live_app.db, live_app.slack.team_id
    refusals = 0
    for action, (allowed_roles, refusal) in MATRIX.items():
        ticket = new_ticket(db, team, resolved=action == "ticket_reopen")
        allowed, expected = role in allowed_roles, refusal.format(key=ticket.key)
        if action in ("view", "queue"):
            text = live_app.slack.command("/ticket", ticket.key if action == "view" else "queue", user=user).json[
                "text"
            ]
            assert (expected not in text) if allowed else (expected in text), (role, action, text)
            continue
        modals, events = len(fake.calls_to("views.open")), history_length(db, ticket.id)
        click(live_app.slack, action, ticket.id, user)
        if not allowed:
            refusals += 1
            assert refusal_for(live_app, user, refusals) == expected, (role, action)
            assert history_length(db, ticket.id) == events, f"refused {action} changed the ticket"
        elif action in OPENS_MODAL:
            fake.wait_for("views.open", count=modals + 1)
        else:
            assert history_length(db, ticket.id) > events, (role, action)


def test_another_workspaces_ticket_id_is_not_found(live_app):
    """Over OAuth many workspaces are served (one bot token serves only its own: another is refused
    at the door, tests/install): an id from another workspace's buttons is looked up within that
    workspace, so ours is simply not found, whoever asks."""
    grant_roles(live_app)
    ours = new_ticket(live_app.db, live_app.slack.team_id)
    with live_app.db.transaction() as session:
        admin = load_actor(session, "T0OTHER", "UADMIN", ["UADMIN"])
        role_service.grant(session, admin, "UTECH", Role.TECHNICIAN)
    for act in (lifecycle.assign_to_me, lifecycle.start, lifecycle.reopen, lifecycle.delete):
        with live_app.db.transaction() as session:
            actor = load_actor(session, "T0OTHER", "UADMIN" if act is lifecycle.delete else "UTECH", ["UADMIN"])
            with pytest.raises(NotFound, match="doesn't exist in this workspace"):
                act(session, actor, ours.id)
    assert history_length(live_app.db, ours.id) == 1
    with live_app.db.transaction() as session, pytest.raises(NotFound):
        queries.get(session, load_actor(session, "T0OTHER", "UTECH", []), ours.number)
