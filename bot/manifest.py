"""manifest.yml is the HTTP app's manifest; the Socket Mode and OAuth ones are derived from it
(``python app.py manifest --mode socket|oauth --url https://your.host``), so the three never drift."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"
EXAMPLE_HOST = "https://hiredesk.example.com"
MODES = ("http", "socket", "oauth")


def load() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text())


def variant(mode: str, url: str = EXAMPLE_HOST, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manifest for one way of running: ``http`` (one workspace, request URLs), ``socket`` (one
    workspace, no public URL: Slack's events come over the app's WebSocket) or ``oauth`` (many
    workspaces: request URLs and the OAuth redirect URL)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    manifest = copy.deepcopy(base or load())
    url = url.rstrip("/")
    _replace_host(manifest, url)
    settings, features = manifest["settings"], manifest["features"]
    if mode == "socket":
        settings["socket_mode_enabled"] = True
        settings["event_subscriptions"].pop("request_url", None)
        settings["interactivity"].pop("request_url", None)
        settings["interactivity"].pop("message_menu_options_url", None)
        for command in features.get("slash_commands", []):
            command.pop("url", None)
    if mode == "oauth":
        manifest["oauth_config"]["redirect_urls"] = [f"{url}/slack/oauth_redirect"]
    return manifest


def _replace_host(node: Any, url: str) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in list(items):
        if isinstance(value, str) and value.startswith(EXAMPLE_HOST):
            node[key] = url + value[len(EXAMPLE_HOST) :]
        else:
            _replace_host(value, url)


def dump(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
