"""Structured logs: one JSON object per line with the request's context, and never a secret."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.logs import ContextCopyingExecutor, log_context, make_formatter, secrets_of
from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
BOT_TOKEN = "xoxb-1234-5678-AbCdEfGhIjKl"


class Captured:
    """A logger whose lines are formatted as the app's handler would, into a string."""

    def __init__(self, log_format: str, secrets=(SIGNING_SECRET,)) -> None:
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(make_formatter(log_format, secrets))
        self.logger = logging.getLogger(f"hiredesk.test.{log_format}.{id(self)}")
        self.logger.propagate = False
        self.logger.handlers = [handler]
        self.logger.setLevel(logging.DEBUG)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]


def test_json_lines_carry_the_context_and_the_call_s_fields():
    captured = Captured("json")
    with log_context(request_id="r-1", team="T1", user="U1", action="/ticket", kind="slash_command"):
        captured.logger.info("slack request %s", "answered", extra={"outcome": "ok", "duration_ms": 12.5})
    captured.logger.warning("after the request")

    during, after = captured.json_lines()
    assert during["message"] == "slack request answered" and during["level"] == "INFO"
    assert during["logger"] == captured.logger.name and during["time"].endswith("+00:00")
    assert {k: during[k] for k in ("request_id", "team", "user", "action", "kind", "outcome", "duration_ms")} == {
        "request_id": "r-1",
        "team": "T1",
        "user": "U1",
        "action": "/ticket",
        "kind": "slash_command",
        "outcome": "ok",
        "duration_ms": 12.5,
    }
    assert "team" not in after and after["level"] == "WARNING"


def test_an_exception_stays_inside_its_json_line():
    captured = Captured("json")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        captured.logger.exception("it failed")
    (line,) = captured.json_lines()
    assert line["message"] == "it failed" and "ValueError: boom" in line["exception"]


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_tokens_and_secrets_never_reach_a_line(log_format):
    captured = Captured(log_format, secrets=(SIGNING_SECRET, "db-password-42"))
    captured.logger.info("token %s and secret %s", BOT_TOKEN, SIGNING_SECRET)
    captured.logger.info("app token xapp-1-A0B1C2-123456-abcdef, user token xoxp-99-88-77", extra={"user": BOT_TOKEN})
    captured.logger.info("postgresql://hiredesk:db-password-42@db/hiredesk")
    try:
        raise RuntimeError(f"Slack said no to {BOT_TOKEN}")
    except RuntimeError:
        captured.logger.exception("call failed")
    for leaked in (BOT_TOKEN, SIGNING_SECRET, "xapp-1", "xoxp-99", "db-password-42"):
        assert leaked not in captured.text
    assert captured.text.count("[redacted]") >= 7


def test_plain_text_stays_the_default_with_the_context_appended():
    assert load_settings({}).log_format == "text"
    captured = Captured("text")
    with log_context(team="T1", request_id="r-2"):
        captured.logger.info("hello")
    line = captured.text.strip()
    assert line.endswith(f"INFO {captured.logger.name}: hello request_id=r-2 team=T1")


def test_an_unknown_log_format_is_one_clear_line():
    with pytest.raises(SettingsError, match="HIREDESK_LOG_FORMAT"):
        load_settings({"HIREDESK_LOG_FORMAT": "xml"})


def test_the_secrets_to_hide_come_from_the_settings():
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "DATABASE_URL": "postgresql+psycopg2://hiredesk:s3cr%40t@db/hiredesk",
        }
    )
    assert {BOT_TOKEN, SIGNING_SECRET, "s3cr@t"} <= set(secrets_of(settings))


def test_listener_threads_keep_the_request_s_context():
    """Bolt runs listeners in its executor: a plain pool loses the context, ours keeps it."""
    captured = Captured("json")
    with log_context(request_id="r-3", team="T9"):
        with ContextCopyingExecutor(max_workers=1) as ours:
            ours.submit(captured.logger.info, "in our pool").result()
        with ThreadPoolExecutor(max_workers=1) as plain:
            plain.submit(captured.logger.info, "in a plain pool").result()
    ours_line, plain_line = captured.json_lines()
    assert ours_line["team"] == "T9" and ours_line["request_id"] == "r-3"
    assert "team" not in plain_line


def test_the_command_line_logs_json_when_asked(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'json.db'}",
        "HIREDESK_LOG_FORMAT": "json",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }
    result = subprocess.run(
        [sys.executable, "app.py", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert any(line["logger"].startswith("alembic") for line in lines)
    assert BOT_TOKEN not in result.stderr + result.stdout


def test_configuring_leaves_someone_else_s_logging_alone_and_replaces_its_own(monkeypatch):
    from bot import logs

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(logs, "_formatter", None)
    logs.configure_logging("INFO", "json")
    logs.configure_logging("DEBUG", "text")
    (ours,) = root.handlers
    assert isinstance(ours.formatter, logs.TextFormatter) and root.level == logging.DEBUG

    foreign = logging.NullHandler()
    monkeypatch.setattr(root, "handlers", [foreign])
    logs.configure_logging("INFO", "json")  # a test runner's or an embedding program's set-up stays
    assert root.handlers == [foreign]
