"""The sandbox and the fake Slack answer this machine only, never another web site.

A page the developer visits elsewhere could otherwise drive them: a cross-site form or ``fetch``
posting into a channel (a "simple" request needs no CORS preflight), or a DNS-rebinding page that
reaches 127.0.0.1 under its own host name. So every request must name a loopback host, a browser's
``Origin`` must be this very site, and a POST to the Web API must be JSON or a form, as Slack's is.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
WEB_API_TYPES = {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}


def host_name(host: str) -> str:
    """``127.0.0.1:3000`` → ``127.0.0.1``; ``[::1]:3000`` → ``::1``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def refuse_other_sites() -> int | None:
    """The status to refuse this request with (403 foreign host or origin, 415 a Web API POST that is
    neither JSON nor a form), or None to serve it."""
    if host_name(request.host) not in LOOPBACK_HOSTS:
        return 403
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:  # "null" (a sandboxed frame) too
        return 403
    posting_to_api = request.method == "POST" and request.path.startswith("/api/")
    if posting_to_api and request.content_length and request.mimetype not in WEB_API_TYPES:
        return 415
    return None
