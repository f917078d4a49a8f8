"""/hiredesk roles end to end: signed HTTP in, fake Slack Web API out, both databases."""

from __future__ import annotations

import pytest

from bot.services import roles as role_service
from bot.services.actors import load_actor
from db.models import Role


def run(live_app, text: str, user: str):
    response = live_app.slack.command("/hiredesk", text, user=user)
    assert response.status == 200, response.body
    body = response.json
    assert body["response_type"] == "ephemeral"
    return body["text"]


def roles_of(live_app, user: str) -> set[Role]:
    with live_app.db.transaction() as session:
        return set(load_actor(session, live_app.slack.team_id, user, live_app.ctx.settings.admins).roles)


def test_admin_grants_and_removes_a_role(live_app):
    assert "is now technician" in run(live_app, "role <@UTECH|tech> technician", "UADMIN")
    assert Role.TECHNICIAN in roles_of(live_app, "UTECH")
    listing = run(live_app, "roles", "UADMIN")
    assert "<@UTECH>: technician" in listing and "<@UADMIN>: admin" in listing
    assert "no longer technician" in run(live_app, "unrole <@UTECH> technician", "UADMIN")
    assert roles_of(live_app, "UTECH") == {Role.EMPLOYEE}


@pytest.mark.parametrize(
    "user, text, expected",
    [
        ("UEMPLOYEE", "role <@UTECH> technician", "Only admins can grant roles."),
        ("UEMPLOYEE", "roles", "Only admins can see everyone's roles."),
        ("UEMPLOYEE", "unrole <@UADMIN> admin", "Only admins can remove roles."),
        ("UADMIN", "role <@UADMIN> technician", "can't grant a role to yourself"),
        ("UADMIN", "role <@UTECH> wizard", "is not a role"),
        ("UADMIN", "role <@UTECH> employee", "is not a role"),
        ("UADMIN", "role bob technician", "is not a person"),
        ("UADMIN", "role <@UTECH>", "needs a person and a role"),
        ("UADMIN", "unrole <@UTECH> agent", "is not agent"),
        ("UADMIN", "unrole <@UADMIN> admin", "through HIREDESK_ADMINS"),
        ("UADMIN", "frobnicate", "I don't know `frobnicate`"),
    ],
)
def test_refusals_are_ephemeral_and_change_nothing(live_app, user, text, expected):
    assert expected in run(live_app, text, user)
    assert roles_of(live_app, "UTECH") == {Role.EMPLOYEE}
    assert live_app.fake.calls_to("chat.postMessage") == []


def test_nobody_makes_themselves_admin(live_app):
    run(live_app, "role <@UTECH> admin", "UADMIN")
    # UTECH is now an admin and grants UTECH2 admin; UTECH2 can't grant itself anything.
    assert "Only admins" not in run(live_app, "role <@UTECH2> agent", "UTECH")
    assert "yourself" in run(live_app, "role <@UTECH2> admin", "UTECH2") or "Only admins" in run(
        live_app, "role <@UTECH2> admin", "UTECH2"
    )
    assert Role.ADMIN not in roles_of(live_app, "UTECH2")


def test_last_admin_cannot_remove_own_admin_role(database):
    with database.transaction() as session:
        # No configuration admins here: UBOSS is the only admin, granted by a former one.
        from bot.services.clock import utcnow
        from bot.services.workspaces import ensure_workspace
        from db.models import UserRole

        ensure_workspace(session, "T1")
        session.add(UserRole(team_id="T1", user_id="UBOSS", role=Role.ADMIN, granted_by="UOLD", granted_at=utcnow()))
    with database.transaction() as session:
        boss = load_actor(session, "T1", "UBOSS")
        with pytest.raises(Exception, match="last admin"):
            role_service.revoke(session, boss, "UBOSS", Role.ADMIN, [])
        role_service.grant(session, boss, "UOTHER", Role.ADMIN)
    with database.transaction() as session:
        boss = load_actor(session, "T1", "UBOSS")
        role_service.revoke(session, boss, "UBOSS", Role.ADMIN, [])
        assert Role.ADMIN not in load_actor(session, "T1", "UBOSS").roles


def test_roles_do_not_leak_between_workspaces(live_app):
    run(live_app, "role <@UTECH> technician", "UADMIN")
    with live_app.db.transaction() as session:
        assert Role.TECHNICIAN not in load_actor(session, "TOTHER", "UTECH").roles


def test_help_is_for_everyone(live_app):
    assert "/ticket" in run(live_app, "help", "UEMPLOYEE")
    assert "/ticket" in run(live_app, "", "UEMPLOYEE")


def test_a_person_whose_role_changes_is_told_by_dm(live_app):
    run(live_app, "role <@UAGENT> agent", "UADMIN")
    live_app.settle()
    (granted,) = live_app.fake.channel_messages(live_app.fake.dm_channel("UAGENT"))
    assert "<@UADMIN> made you a HireDesk *agent*" in granted.text and "/booking" in granted.text
    run(live_app, "unrole <@UAGENT> agent", "UADMIN")
    live_app.settle()
    removed = live_app.fake.channel_messages(live_app.fake.dm_channel("UAGENT"))[-1]
    assert "removed your HireDesk *agent* role" in removed.text
    # A refused change tells nobody.
    run(live_app, "unrole <@UAGENT> agent", "UADMIN")
    live_app.settle()
    assert len(live_app.fake.channel_messages(live_app.fake.dm_channel("UAGENT"))) == 2
