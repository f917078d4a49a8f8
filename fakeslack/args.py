"""Reading a Web API call's arguments the way Slack does (form or JSON), paging, and a lost answer."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from flask import Response, request

if TYPE_CHECKING:
    pass

from .records import Message, SlackError


def _request_args() -> dict:
    """The call's arguments: query string, then the form or JSON body."""
    args = request.args.to_dict()
    if request.is_json:
        return {**args, **(request.get_json(silent=True) or {})}
    body = request.get_data(as_text=True)
    return {**args, **{k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}}


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:] if header.startswith("Bearer ") else None


def _json_arg(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments") from None
    return value


def _flag(value: Any) -> bool:
    """A boolean argument: JSON true, or "true"/"1" in a form or query string (slack_sdk sends "1")."""
    return value is True or str(value).lower() in {"1", "true"}


def _metadata_arg(value: Any) -> dict | None:
    """Message metadata as given (JSON string or object): None if left out, {} to clear it."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_metadata_format") from None
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format")
    if value and not (
        isinstance(value.get("event_type"), str)
        and value["event_type"]
        and isinstance(value.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return value


def _ts_value(ts: Any) -> Decimal:
    return Decimal(str(ts))


def _time_range(args: dict) -> Callable[[str], bool]:
    """``oldest``/``latest``/``inclusive`` as Slack reads them: strictly between the two unless
    ``inclusive``; no ``latest`` means up to now, no ``oldest`` from the beginning."""
    bounds = []
    for name in ("oldest", "latest"):
        value = args.get(name)
        try:
            bounds.append(_ts_value(value) if value not in (None, "") else None)
        except InvalidOperation:
            raise SlackError(f"invalid_ts_{name}") from None
    oldest, latest = bounds
    inclusive = _flag(args.get("inclusive"))

    def within(ts: str) -> bool:
        value = _ts_value(ts)
        if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
            return False
        return latest is None or value < latest or (value == latest and inclusive)

    return within


def _page(
    messages: list[Message], args: dict, *, default_limit: int, max_limit: int, newest_first: bool
) -> tuple[list[Message], str]:
    """One page of ``messages`` (already in page order) from ``cursor``; and the next page's cursor."""
    try:
        limit = int(args.get("limit") or default_limit)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments") from None
    limit = min(max(limit, 1), max_limit)
    start = 0
    if args.get("cursor"):
        at = _cursor_ts(args["cursor"])
        start = next(
            (i for i, m in enumerate(messages) if (_ts_value(m.ts) <= at if newest_first else _ts_value(m.ts) >= at)),
            len(messages),
        )
    rest = messages[start + limit :]
    return messages[start : start + limit], _cursor(rest[0].ts) if rest else ""


def _cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _cursor_ts(cursor: str) -> Decimal:
    try:
        kind, _, ts = base64.b64decode(cursor, validate=True).decode().partition(":")
        if kind != "next_ts":
            raise ValueError(cursor)
        return _ts_value(ts)
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidOperation):
        raise SlackError("invalid_cursor") from None


def _no_answer(connection: socket.socket | None) -> Response:
    """An answer that never arrives: the connection closes before a byte of it is sent."""

    def close() -> Iterator[bytes]:
        if connection is not None:  # werkzeug's server hands its socket over; other servers just drop
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        # werkzeug's server takes a ConnectionError while sending for a client that went away:
        # it writes nothing more and logs nothing.
        raise ConnectionAbortedError("fake Slack dropped this answer")
        yield b""  # never reached: it makes this a generator, run when the server sends the answer

    return Response(close(), mimetype="application/json")
