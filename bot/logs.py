"""Logging: plain text by default, one JSON object per line with HIREDESK_LOG_FORMAT=json.

Every line carries what is known about the request or job it belongs to (team,
user, action, request id …), bound with ``log_context`` in a context variable, so
a listener's log lines say whose request they serve without passing it around.
Nothing that looks like a Slack token, nor the configured secrets themselves,
ever reaches a log line: every handler's formatter redacts its output.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from gunicorn import glogging

# The fields a log line may carry beyond time, level, logger and message, in output order.
CONTEXT_FIELDS = ("request_id", "kind", "team", "user", "action", "job", "outcome", "duration_ms")
# Probes and scrapes every few seconds would drown the access log.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
REDACTED = "[redacted]"
# Slack tokens: bot (xoxb), user (xoxp), app-level (xapp), legacy and refresh kinds.
SLACK_TOKEN = re.compile(r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]+")

# Never mutated in place: each binding sets a new dict, so a copied context can't see later changes.
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("hiredesk_log_context", default=None)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every log line written inside the block (this thread or task)."""
    token = push_context(**fields)
    try:
        yield
    finally:
        pop_context(token)


def push_context(**fields: Any) -> contextvars.Token[dict[str, Any] | None]:
    """``log_context`` in two halves, for a request's before and after hooks."""
    return _context.set({**current_context(), **{k: v for k, v in fields.items() if v is not None}})


def pop_context(token: contextvars.Token[dict[str, Any] | None]) -> None:
    _context.reset(token)


def bind(**fields: Any) -> None:
    """Add fields to the current context for the rest of it (e.g. once a request is parsed)."""
    _context.set({**current_context(), **{k: v for k, v in fields.items() if v is not None}})


def current_context() -> dict[str, Any]:
    return dict(_context.get() or {})


class ContextCopyingExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's log context. Bolt runs listeners
    in its executor: with this one their lines still carry the request's team, user, id."""

    def submit(self, fn, /, *args, **kwargs):
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


class Redactor:
    """Blanks Slack tokens and the given secret values out of text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        values = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
        self._secrets = re.compile("|".join(map(re.escape, values))) if values else None

    def __call__(self, text: str) -> str:
        text = SLACK_TOKEN.sub(REDACTED, text)
        return self._secrets.sub(REDACTED, text) if self._secrets else text


class TextFormatter(logging.Formatter):
    """The plain format, with the context appended as key=value and secrets redacted."""

    def __init__(self, redact: Redactor, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _fields_of(record)
        if fields:
            first, newline, rest = line.partition("\n")  # keep a traceback below the line it belongs to
            line = first + " " + " ".join(f"{k}={v}" for k, v in fields.items()) + newline + rest
        return self.redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the context fields."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
            **_fields_of(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return self.redact(json.dumps(entry, default=str, ensure_ascii=False))


_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The context's fields, then those passed as ``extra=`` to this one call (which win)."""
    extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRIBUTES}
    fields = {**current_context(), **extra}
    ordered = {k: fields[k] for k in CONTEXT_FIELDS if fields.get(k) is not None}
    ordered.update({k: v for k, v in fields.items() if k not in ordered and v is not None})
    return ordered


# Set by configure_logging; gunicorn's logger (below) formats its lines the same way.
_formatter: TextFormatter | JsonFormatter | None = None


def make_formatter(log_format: str, secrets: Iterable[str | None] = ()) -> TextFormatter | JsonFormatter:
    redact = Redactor(secrets)
    return JsonFormatter(redact) if log_format == "json" else TextFormatter(redact)


class _StderrHandler(logging.StreamHandler):
    """The handler configure_logging installs, told apart from anyone else's."""


def configure_logging(level: str = "INFO", log_format: str = "text", secrets: Iterable[str | None] = ()) -> None:
    """The process's logging: one handler on stderr, the chosen format, secrets redacted. Like
    ``logging.basicConfig`` it leaves alone a logging set up by someone else (a test runner, a
    program embedding the app); calling it again replaces its own handler."""
    global _formatter
    _formatter = make_formatter(log_format, secrets)
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if isinstance(handler, _StderrHandler)]
    if len(ours) < len(root.handlers):
        return
    for old in ours:
        root.removeHandler(old)
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(_formatter)
    root.addHandler(handler)
    root.setLevel(level.upper())


def secrets_of(settings: Any) -> list[str | None]:
    """The values no log line may show: the Slack credentials and the database password
    (as written in DATABASE_URL and decoded)."""
    from urllib.parse import quote

    from sqlalchemy.engine import make_url

    try:
        password = make_url(settings.database_url).password
    except Exception:  # an unparsable URL has no password to hide; start-up reports the URL itself
        password = None
    hidden = [settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token]
    if password:
        hidden += [str(password), quote(str(password), safe="")]
    return hidden


class GunicornLogger(glogging.Logger):
    """gunicorn's logger (``logger_class``): our format and redaction on its error and
    access logs, structured fields on access lines, and no lines for health probes."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        formatter = _formatter or make_formatter("text")
        for handler in self.error_log.handlers + self.access_log.handlers:
            if isinstance(formatter, JsonFormatter):
                handler.setFormatter(formatter)
            elif handler.formatter is not None and not isinstance(handler.formatter, TextFormatter):
                # plain text keeps gunicorn's own layouts, redacted
                handler.setFormatter(
                    TextFormatter(formatter.redact, fmt=handler.formatter._fmt, datefmt=handler.formatter.datefmt)
                )

    def access(self, resp, req, environ, request_time) -> None:
        if environ.get("PATH_INFO") in QUIET_PATHS:
            return
        if not isinstance(_formatter, JsonFormatter):
            return super().access(resp, req, environ, request_time)
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict or self.cfg.syslog):
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info(
            "%s %s %s",
            req.method,
            req.path,
            status,
            extra={
                "method": req.method,
                "path": req.path,
                "status": int(status),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "request_id": environ.get("hiredesk.request_id") or environ.get("HTTP_X_REQUEST_ID"),
                "remote": environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR")),
            },
        )
