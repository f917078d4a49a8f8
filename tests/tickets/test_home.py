"""App Home: app_home_opened → views.publish, with sections by role."""

from __future__ import annotations

from db.models import Role

from .helpers import click, grant, latest_view, raise_ticket


def home_of(live_app, user: str) -> str:
    def for_user(call) -> bool:
        return call.args["user_id"] == user

    before = len([c for c in live_app.fake.calls_to("views.publish") if for_user(c)])
    assert live_app.slack.app_home_opened(user).status == 200
    live_app.fake.wait_for("views.publish", for_user, count=before + 1)
    return str(live_app.fake.home_tabs[user]["blocks"])


def test_home_by_role(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app, title="Badge reader broken")

    employee = home_of(live_app, "UEMPLOYEE")
    assert "ticket_new" in employee and "Badge reader broken" in employee
    assert "Queue: unassigned" not in employee and "Roles and settings" not in employee

    technician = home_of(live_app, "UTECH")
    assert (
        "Queue: unassigned" in technician
        and "ticket_assign_me" in technician
        and "You have no open tickets" in technician
    )

    admin = home_of(live_app, "UADMIN")
    assert "Roles and settings" in admin and "<@UTECH>: technician" in admin and "<#CTRIAGE>" in admin

    # Claiming from the App Home refreshes the tab: the ticket moves to "Assigned to you".
    home = live_app.fake.home_tabs["UTECH"]
    claim = {"action_id": "ticket_assign_me", "block_id": "x", "value": str(raised.id)}
    assert live_app.slack.block_action(claim, user="UTECH", view=home).status == 200
    live_app.fake.wait_for("views.publish", lambda c: c.args["user_id"] == "UTECH", count=2)
    refreshed = str(live_app.fake.home_tabs["UTECH"]["blocks"])
    assert "Nothing waiting for a technician" in refreshed and "ticket_start" in refreshed


def test_new_ticket_button_opens_the_modal(live_app):
    home_of(live_app, "UEMPLOYEE")
    button = {"action_id": "ticket_new", "block_id": "b", "value": "new"}
    assert (
        live_app.slack.block_action(button, user="UEMPLOYEE", view=live_app.fake.home_tabs["UEMPLOYEE"]).status == 200
    )
    assert "ticket_new" in str(live_app.fake.wait_for("views.open")[0].args["view"])


def test_resolving_from_the_home_tab_refreshes_it(live_app):
    grant(live_app, "UTECH", Role.TECHNICIAN)
    raised = raise_ticket(live_app, title="Badge reader broken")
    click(live_app, raised, "ticket_start", "UTECH")
    live_app.fake.wait_for("chat.update")
    assert "ticket_resolve" in home_of(live_app, "UTECH")

    resolve = {"action_id": "ticket_resolve", "block_id": "x", "value": str(raised.id)}
    live_app.slack.block_action(resolve, user="UTECH", view=live_app.fake.home_tabs["UTECH"])
    live_app.fake.wait_for("views.open", lambda c: "ticket_resolve" in str(c.args["view"]))
    form = latest_view(live_app)
    assert '"from_home": true' in form["private_metadata"]
    note = {"note": {"note": {"type": "plain_text_input", "value": "Re-seated the cable"}}}
    assert live_app.slack.view_submission(form, note, user="UTECH").status == 200
    live_app.fake.wait_for("views.publish", lambda c: c.args["user_id"] == "UTECH", count=2)
    assert "Nothing assigned to you" in str(live_app.fake.home_tabs["UTECH"]["blocks"])
