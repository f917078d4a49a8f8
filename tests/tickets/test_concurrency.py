"""Two technicians press Assign to me on the same card at the same moment:
one gets the ticket, the other is told who has it."""

from __future__ import annotations

import threading

from db.models import Role

from .helpers import click, grant, raise_ticket, ticket


def test_two_technicians_claim_at_once(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    grant(live_app, "UTECH2", Role.TECHNICIAN)
    raised = raise_ticket(live_app)
    start = threading.Barrier(2)
    statuses = {}

    def claim(user: str) -> None:
        start.wait()
        statuses[user] = click(live_app, raised, "ticket_assign_me", user).status

    threads = [threading.Thread(target=claim, args=(user,)) for user in ("UTECH", "UTECH2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == {"UTECH": 200, "UTECH2": 200}

    claimed = ticket(live_app, raised.id)
    winner = claimed.assignee_id
    loser = "UTECH2" if winner == "UTECH" else "UTECH"
    assert [e.new_value for e in claimed.events if e.kind == "assigned"] == [winner]
    told = live_app.fake.wait_for("response_url", lambda c: f".{loser}." in c.args["key"])[0].args["text"]
    assert f"T-1 is already assigned to <@{winner}>" in told
    # One card update, one thread post, one DM: only the winner's change happened.
    live_app.fake.wait_for("chat.update")
    assert len(live_app.fake.calls_to("chat.update")) == 1
