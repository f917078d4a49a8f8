"""Least privilege: the manifest (and the OAuth flow) ask for exactly the scopes that the Web API
methods the code calls need. A new call must be added to METHOD_SCOPES, with its scope."""

from __future__ import annotations

import re
from pathlib import Path

from bot import manifest
from bot.installs import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
HISTORY = {"channels:history", "groups:history", "im:history"}  # public channels, private ones, DMs

# Web API method → bot scopes it needs (https://api.slack.com/methods).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "chat.getPermalink": set(),
    "conversations.open": {"im:write"},  # the DM of a post whose answer was lost (bot/delivery/lookup.py)
    "conversations.history": HISTORY,  # a lost post looked up by its metadata, wherever it went
    "conversations.replies": HISTORY,
    "files.getUploadURLExternal": {"files:write"},  # an export's CSV (bot/delivery/file_export.py)
    "files.completeUploadExternal": {"files:write"},
    "views.open": set(),
    "views.push": set(),
    "views.update": set(),
    "views.publish": set(),
}
# Slash commands and the message shortcut (manifest features) need "commands".
FEATURE_SCOPES = {"commands"}
# Event subscription → bot scopes it needs (https://api.slack.com/events).
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "app_uninstalled": set(),
    "tokens_revoked": set(),
    "message.im": {"im:history"},  # the reporter's answer in a DM thread (conversation)
    "reaction_added": {"reactions:read"},  # emoji to ticket
}
CALL = re.compile(r"\bclient\.(auth|chat|conversations|views|users|reactions|files|team|apps)_(\w+)\(")


def methods_called() -> set[str]:
    """Every ``client.<family>_<method>(`` in the app's own code (not the sandbox's fake Slack)."""
    found = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if "sandbox" in path.parts:
                continue
            found |= {f"{family}.{method}" for family, method in CALL.findall(path.read_text())}
    return found


def test_every_call_is_in_the_table():
    called = methods_called()
    assert called, "no Web API calls found: the pattern is wrong"
    assert called <= set(METHOD_SCOPES), f"add these methods and their scopes: {called - set(METHOD_SCOPES)}"


def test_the_manifest_and_oauth_ask_for_exactly_what_the_calls_need():
    events = manifest.load()["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) <= set(EVENT_SCOPES), f"add these events and their scopes: {set(events) - set(EVENT_SCOPES)}"
    needed = FEATURE_SCOPES.union(
        *(METHOD_SCOPES[method] for method in methods_called()), *(EVENT_SCOPES[event] for event in events)
    )
    asked = set(manifest.load()["oauth_config"]["scopes"]["bot"])
    assert asked == needed, f"unused: {asked - needed}; missing: {needed - asked}"
    assert set(BOT_SCOPES) == needed
    assert "users:read" not in asked
