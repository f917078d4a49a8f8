"""Which way HireDesk runs, from the environment; half a set of credentials is one clear error."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings

OAUTH = {
    "SLACK_CLIENT_ID": "1.2",
    "SLACK_CLIENT_SECRET": "s",
    "SLACK_SIGNING_SECRET": "x",
    "HIREDESK_PUBLIC_URL": "https://desk.example.org/",
}


def test_the_three_ways_and_the_sandbox():
    http = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "x"})
    socket = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    oauth = load_settings(OAUTH)
    assert http.has_slack_credentials and not http.socket_mode and not http.distributed
    assert socket.has_slack_credentials and socket.socket_mode  # no signing secret needed
    assert oauth.has_slack_credentials and oauth.distributed and not oauth.socket_mode
    assert oauth.redirect_url == "https://desk.example.org/slack/oauth_redirect"
    assert not load_settings({}).has_slack_credentials


def test_over_oauth_hiredesk_admins_name_nobody():
    assert load_settings({**OAUTH, "HIREDESK_ADMINS": "U1"}).config_admins == []
    assert load_settings({"HIREDESK_ADMINS": "U1"}).config_admins == ["U1"]


@pytest.mark.parametrize(
    "env, named",
    [
        ({"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN"),
        ({**OAUTH, "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_APP_TOKEN"),
        ({**OAUTH, "HIREDESK_PUBLIC_URL": ""}, "HIREDESK_PUBLIC_URL"),
        ({**OAUTH, "SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_half_an_oauth_setup_is_refused(env, named):
    with pytest.raises(SettingsError, match=named):
        load_settings(env)
