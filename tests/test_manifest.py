"""manifest.yml is a valid Slack app manifest and agrees with the listeners."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
import yaml

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


def test_manifest_matches_slacks_schema():
    if not SCHEMA.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{SCHEMA} is missing in CI")
        pytest.skip(f"{SCHEMA} not found (outside CI)")
    import jsonschema

    jsonschema.validate(MANIFEST, json.loads(SCHEMA.read_text()))


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
    assert events == registered("event")
