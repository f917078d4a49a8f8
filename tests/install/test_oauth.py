"""Distributed over OAuth: two workspaces install through /slack/install and /slack/oauth_redirect
(Bolt's flow, slack_sdk's stores in the app's database); each sees only its own data, each one's
messages are posted with its own token, its installer is its first admin, and a workspace that
did not install gets nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Role, UserRole, Workspace
from tests.tickets.helpers import raise_ticket

from .oauth import as_workspace, install

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)


def test_two_workspaces_each_with_its_own_token_and_data(distributed_app):
    app = distributed_app
    for user in ("UONE", "UTWO"):
        app.fake.add_user(user)
    token_one, token_two = install(app, "TONE", "UONE"), install(app, "TTWO", "UTWO")
    one, two = as_workspace(app, "TONE"), as_workspace(app, "TTWO")

    with app.db.transaction(readonly=True) as session:  # the installers are the first admins
        admins = set(session.execute(select(UserRole.team_id, UserRole.user_id).where(UserRole.role == Role.ADMIN)))
    assert admins == {("TONE", "UONE"), ("TTWO", "UTWO")}
    assert "UONE" in one.slack.command("/hiredesk", "roles", user="UONE").json["text"]
    # HIREDESK_ADMINS names the users of one bot token's workspace: not an admin anywhere here.
    assert "UADMIN" not in one.slack.command("/hiredesk", "roles", user="UONE").json["text"]

    first = raise_ticket(one, user="UEMPLOYEE", title="One's printer")
    second = raise_ticket(two, user="UEMPLOYEE", title="Two's laptop")
    app.settle()
    assert (first.team_id, first.number, second.team_id, second.number) == ("TONE", 1, "TTWO", 1)

    shown = two.slack.command("/ticket", "T-1", user="UEMPLOYEE").json
    assert "Two's laptop" in str(shown) and "One's printer" not in str(shown)

    posts = [c for c in app.fake.calls if c.method in ("chat.postMessage", "chat.update", "views.publish")]
    assert posts and {c.token for c in posts} <= {token_one, token_two}
    for call in posts:
        text = str(call.args)
        if "One's printer" in text:
            assert call.token == token_one
        if "Two's laptop" in text:
            assert call.token == token_two
    assert {c.token for c in posts if "One's printer" in str(c.args)} == {token_one}
    assert {c.token for c in posts if "Two's laptop" in str(c.args)} == {token_two}


def test_a_workspace_that_did_not_install_gets_nothing(distributed_app):
    app = distributed_app
    install(app, "TONE", "UONE")
    calls_before = len(app.fake.calls)
    evil = as_workspace(app, "TEVIL")
    answer = evil.slack.command("/hiredesk", "role <@UEVIL> admin", user="UADMIN")
    assert answer.status in (200, 401) and "is now" not in answer.body
    with app.db.transaction(readonly=True) as session:
        assert session.get(Workspace, "TEVIL") is None
    # Bolt tells the user on the request's own response_url; no Web API call, no token used.
    later = app.fake.calls[calls_before:]
    assert [(c.method, c.args.get("text")) for c in later] in (
        [],
        [("response_url", "HireDesk is not installed in this workspace.")],
    )


def test_uninstall_deletes_the_token_and_a_reinstall_brings_it_back(distributed_app):
    app = distributed_app
    install(app, "TONE", "UONE")
    one = as_workspace(app, "TONE")
    raise_ticket(one, user="UEMPLOYEE")
    app.settle()

    one.slack.event({"type": "app_uninstalled"})
    app.fake.revoke("TONE")
    tenancy = app.ctx.tenancy
    assert tenancy.client_for("TONE") is None
    assert tenancy.store.find_bot(enterprise_id=None, team_id="TONE") is None

    token = install(app, "TONE", "USOMEONEELSE")
    assert tenancy.client_for("TONE").token == token
    with app.db.transaction(readonly=True) as session:  # a reinstall changes nobody's role
        assert set(session.scalars(select(UserRole.user_id).where(UserRole.role == Role.ADMIN))) == {"UONE"}
        assert session.get(Workspace, "TONE").uninstalled_at is None


def test_a_workspace_of_an_enterprise_grid_is_served_with_its_own_token(distributed_app):
    app = distributed_app
    token = install(app, "TGRID", "UGRID", enterprise_id="EGRID")
    grid = as_workspace(app, "TGRID", enterprise_id="EGRID")
    tenancy = app.ctx.tenancy
    assert tenancy.store.find_bot(enterprise_id="EGRID", team_id="TGRID").bot_token == token
    assert tenancy.client_for("TGRID").token == token  # a delivery knows only the team

    assert "UGRID" in grid.slack.command("/hiredesk", "roles", user="UGRID").json["text"]
    raise_ticket(grid, user="UEMPLOYEE", title="Grid printer")
    app.settle()
    posts = [c for c in app.fake.calls if c.method == "chat.postMessage" and "Grid printer" in str(c.args)]
    assert posts and {c.token for c in posts} == {token}

    # The same team id under another enterprise (or none) is not the installed workspace.
    for enterprise_id in ("EEVIL", None):
        other = as_workspace(app, "TGRID", enterprise_id=enterprise_id)
        answer = other.slack.command("/hiredesk", "role <@UEVIL> admin", user="UGRID")
        assert answer.json["text"] == "HireDesk is not installed in this workspace."

    grid.slack.event({"type": "app_uninstalled"})
    assert tenancy.client_for("TGRID") is None
    assert tenancy.store.find_bot(enterprise_id="EGRID", team_id="TGRID") is None
