"""Slack's Block Kit limits, checked over whatever the app sent (the fake keeps every call)."""

from __future__ import annotations

import json
from typing import Any

# (where, limit): the documented maxima the app's views can reach with user text in them.
TEXT_LIMITS = {"section": 3000, "header": 150, "context": 3000, "field": 2000, "button": 75, "option": 75}
BLOCKS_PER_MESSAGE = 50
BLOCKS_PER_VIEW = 100
MESSAGE_TEXT = 40_000


def problems(method: str, args: dict[str, Any]) -> list[str]:
    """Every Block Kit limit a Web API call's arguments exceed (empty: all within)."""
    found: list[str] = []
    blocks = _json(args.get("blocks"))
    view = _json(args.get("view"))
    if isinstance(view, dict):
        blocks = view.get("blocks")
        title = ((view.get("title") or {}).get("text")) or ""
        if len(title) > 24:
            found.append(f"{method}: modal title of {len(title)} characters")
        if len(view.get("private_metadata") or "") > 3000:
            found.append(f"{method}: private_metadata over 3000")
    if len(args.get("text") or "") > MESSAGE_TEXT:
        found.append(f"{method}: text over {MESSAGE_TEXT}")
    if blocks is None:
        return found
    limit = BLOCKS_PER_VIEW if isinstance(view, dict) else BLOCKS_PER_MESSAGE
    if len(blocks) > limit:
        found.append(f"{method}: {len(blocks)} blocks")
    for block in blocks:
        found += [f"{method}: {p}" for p in _block_problems(block)]
    return found


def _block_problems(block: dict) -> list[str]:
    kind = block.get("type")
    found = []
    if kind in ("section", "header") and len(_text(block.get("text"))) > TEXT_LIMITS[kind]:
        found.append(f"{kind} text of {len(_text(block.get('text')))}")
    for field in block.get("fields") or []:
        if len(_text(field)) > TEXT_LIMITS["field"]:
            found.append("section field over 2000")
    if len(block.get("fields") or []) > 10:
        found.append("more than 10 fields")
    if kind == "context":
        if len(block.get("elements") or []) > 10:
            found.append("context with more than 10 elements")
        for element in block.get("elements") or []:
            if len(_text(element)) > TEXT_LIMITS["context"]:
                found.append("context element over 3000")
    elements = list(block.get("elements") or []) + ([block["accessory"]] if block.get("accessory") else [])
    if block.get("element"):
        elements.append(block["element"])
    for element in elements:
        if element.get("type") == "button":
            if len(_text(element.get("text"))) > TEXT_LIMITS["button"]:
                found.append("button text over 75")
            if len(element.get("value") or "") > 2000:
                found.append("button value over 2000")
        for option in element.get("options") or []:
            if len(_text(option.get("text"))) > TEXT_LIMITS["option"]:
                found.append("option text over 75")
        if len(element.get("initial_value") or "") > 3000:
            found.append("initial value over 3000")
    return found


def _text(obj: Any) -> str:
    return (obj or {}).get("text") or "" if isinstance(obj, dict) else ""


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
