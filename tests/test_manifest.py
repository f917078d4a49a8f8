"""manifest.yml is a valid Slack app manifest and agrees with the listeners."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
import yaml

from bot import manifest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def registered(kind: str) -> set[str]:
    """Names passed to ``app.<kind>("...")`` anywhere in handlers/ (commands, shortcuts, events)."""
    names = set()
    for path in (ROOT / "handlers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == kind
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


@pytest.mark.parametrize("mode", manifest.MODES)
def test_manifest_matches_slacks_schema(mode):
    if not SCHEMA.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{SCHEMA} is missing in CI")
        pytest.skip(f"{SCHEMA} not found (outside CI)")
    import jsonschema

    jsonschema.validate(manifest.variant(mode, "https://desk.example.org"), json.loads(SCHEMA.read_text()))


def test_socket_mode_and_oauth_variants():
    socket = manifest.variant("socket")
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "https://" not in json.dumps(socket)  # no public URL needed
    oauth = manifest.variant("oauth", "https://desk.example.org/")
    assert oauth["oauth_config"]["redirect_urls"] == ["https://desk.example.org/slack/oauth_redirect"]
    assert oauth["settings"]["event_subscriptions"]["request_url"] == "https://desk.example.org/slack/events"
    assert manifest.variant("http") == MANIFEST


def test_http_mode_rules_slack_checks_on_its_servers():
    settings, features = MANIFEST["settings"], MANIFEST["features"]
    assert settings["socket_mode_enabled"] is False
    url = settings["event_subscriptions"]["request_url"]
    assert url.endswith("/slack/events") and url.startswith("https://")
    assert settings["interactivity"]["request_url"] == url
    for command in features["slash_commands"]:
        assert command["url"] == url, command["command"]
        assert command["should_escape"] is True, command["command"]
    assert {"chat:write", "commands"} <= set(MANIFEST["oauth_config"]["scopes"]["bot"])


def test_every_declared_command_shortcut_and_event_has_a_handler():
    commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    shortcuts = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", [])}
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert commands == registered("command")
    assert shortcuts == registered("shortcut") | registered("message_shortcut")
    # message.im, message.channels… are all "message" events to Bolt
    assert {event.split(".")[0] for event in events} == registered("event")
