"""Driving the help desk over signed HTTP, the way Slack does, for the ticket tests."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from db.models import Role, Ticket


def form_values(
    title="Printer on floor 2 is jammed", description="Paper stuck in tray 3", category="hardware", severity="MINOR"
) -> dict:
    """``view.state.values`` of the New ticket modal as Slack submits it."""

    def typed(action_id, value):
        return {action_id: {"type": "plain_text_input", "value": value}}

    def picked(action_id, value):
        return {action_id: {"type": "static_select", "selected_option": {"value": value} if value else None}}

    return {
        "title": typed("title", title),
        "description": typed("description", description),
        "category": picked("category", category),
        "severity": picked("severity", severity),
    }


def grant(live_app, user: str, role: Role) -> None:
    response = live_app.slack.command("/hiredesk", f"role <@{user}> {role.value}", user="UADMIN")
    assert "is now" in response.json["text"], response.body


def open_modal(live_app, user: str, text: str = "") -> dict:
    """``/ticket [text]`` → the modal the app opened."""
    before = len(live_app.fake.calls_to("views.open"))
    response = live_app.slack.command("/ticket", text, user=user)
    assert response.status == 200, response.body
    live_app.fake.wait_for("views.open", count=before + 1)
    return latest_view(live_app)


def latest_view(live_app) -> dict:
    """The view the app opened last, as the fake Slack keeps it (with its id and metadata)."""
    return list(live_app.fake.views.values())[-1]


def raise_ticket(live_app, user: str = "UEMPLOYEE", **fields) -> Ticket:
    """Raise a ticket through the modal; return it once its card is posted."""
    view = open_modal(live_app, user)
    response = live_app.slack.view_submission(view, form_values(**fields), user=user)
    assert response.status == 200 and not response.body, response.body
    live_app.fake.wait_for(
        "chat.postMessage", lambda c: c.args.get("channel") == user and "is raised" in c.args.get("text", "")
    )
    with live_app.db.transaction() as session:
        return session.query(Ticket).order_by(Ticket.id.desc()).first()


def ticket(live_app, ticket_id: int) -> Ticket:
    with live_app.db.transaction() as session:
        # the history is loaded while the session is open
        return session.get(Ticket, ticket_id, options=[selectinload(Ticket.events)])


def click(live_app, ticket: Ticket, action_id: str, user: str, **state):
    """Click ``action_id`` on the ticket's card in the triage channel."""
    action = {"action_id": action_id, "block_id": f"ticket_actions:{ticket.id}", "value": str(ticket.id), **state}
    if action_id in ("ticket_assign", "ticket_severity"):
        action.pop("value")
    return live_app.slack.block_action(action, user=user, channel=ticket.card_channel, message_ts=ticket.card_ts)


def submit_note(live_app, user: str, text: str):
    """Submit the note modal the app opened last (note, reply, comment, the question to the reporter)."""
    return live_app.slack.view_submission(
        latest_view(live_app), {"note": {"note": {"type": "plain_text_input", "value": text}}}, user=user
    )


def click_in_dm(live_app, ticket: Ticket, action_id: str, user: str):
    """Click ``action_id`` in the newest DM about ``ticket`` to ``user``."""
    dm = live_app.fake.channel_messages(live_app.fake.dm_channel(user))[-1]
    action = {"action_id": action_id, "block_id": f"ticket_actions:{ticket.id}", "value": str(ticket.id)}
    return live_app.slack.block_action(action, user=user, channel=dm.channel, message_ts=dm.ts)
