"""Every refusal of PRODUCT.md §1, over signed HTTP: each role × each ticket
action is either allowed or refused with an ephemeral message naming the role,
and a refused action changes nothing. Also: another workspace's ticket id."""

from __future__ import annotations

import pytest

from bot.sandbox.signed_requests import SignedSlackClient
from bot.services import roles as role_service
from bot.services.actors import load_actor
from bot.services.tickets import forms, lifecycle
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
    "ticket_reply": (REPORTER_OR_TECHNICIAN, "Only the reporter of {key}, technicians or admins can comment on it."),
    "ticket_edit": (REPORTER_OR_TECHNICIAN, "Only the reporter of {key}, technicians or admins can edit it."),
    "ticket_reopen": (REPORTER_OR_TECHNICIAN, "Only the reporter of {key}, technicians or admins can reopen it."),
    "ticket_delete": ({"admin"}, "Only admins can delete tickets."),
}
OPENS_MODAL = {"ticket_resolve", "ticket_add_note", "ticket_reply", "ticket_edit"}
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
    grant_roles(live_app)
    ours = new_ticket(live_app.db, live_app.slack.team_id)
    # A technician of another workspace, pressing buttons that carry our ticket's id.
    other = SignedSlackClient(
        live_app.slack.app_url.removesuffix("/slack/events"), live_app.slack.secret, live_app.fake, team_id="T0OTHER"
    )
    with live_app.db.transaction() as session:
        admin = load_actor(session, "T0OTHER", "UADMIN", ["UADMIN"])
        role_service.grant(session, admin, "UTECH", Role.TECHNICIAN)
    for count, action in enumerate(["ticket_assign_me", "ticket_start", "ticket_resolve", "ticket_delete"], start=1):
        click(other, action, ours.id, "UTECH" if action != "ticket_delete" else "UADMIN")
        user = "UTECH" if action != "ticket_delete" else "UADMIN"
        assert "doesn't exist in this workspace" in refusal_for(live_app, user, count if user == "UTECH" else 1)
    assert history_length(live_app.db, ours.id) == 1
    assert live_app.fake.calls_to("views.open") == []
    assert "There is no ticket T-1" in other.command("/ticket", "T-1", user="UTECH").json["text"]
