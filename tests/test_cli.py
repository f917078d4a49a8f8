"""`python app.py` as an operator runs it: configuration errors, migrations, gunicorn serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.harness.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **extra})
    return env


def run_app(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "app.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        ("HIREDESK_TIMEZONE", "Mars/Olympus", "HIREDESK_TIMEZONE: unknown IANA time zone"),
        ("PORT", "eighty", "PORT:"),
        ("HIREDESK_ADMINS", "alice", "HIREDESK_ADMINS: not Slack user IDs"),
        ("HIREDESK_SCHEDULER", "maybe", "HIREDESK_SCHEDULER:"),
        ("HIREDESK_DIGEST_TIME", "25:99", "HIREDESK_DIGEST_TIME:"),
        ("SLACK_SIGNING_SECRET", "only-half", "SLACK_BOT_TOKEN: missing"),
    ],
)
def test_bad_setting_stops_start_up_with_one_clear_line(tmp_path, variable, value, expected):
    result = run_app("migrate", env=app_env(tmp_path, **{variable: value}))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_serving_with_a_token_but_no_signing_secret_is_refused(tmp_path):
    result = run_app("serve", env=app_env(tmp_path, SLACK_BOT_TOKEN="xoxb-only-half"))
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET: missing" in result.stderr and "Traceback" not in result.stderr


def test_refuses_to_serve_a_database_that_is_behind(tmp_path):
    env = app_env(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")
    result = run_app("serve", env=env)
    assert result.returncode == 1
    assert "run `python app.py migrate`" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_is_one_line(tmp_path):
    env = app_env(tmp_path, DATABASE_URL=f"postgresql+psycopg2://nobody@127.0.0.1:{free_port()}/none")
    result = run_app("migrate", env=env)
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr and "Traceback" not in result.stderr


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serves_with_gunicorn_after_migrate(tmp_path):
    port = free_port()
    env = app_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="secret",
        PORT=str(port),
        HOST="127.0.0.1",
        HIREDESK_SCHEDULER="off",
    )
    assert run_app("migrate", env=env).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "app.py", "serve", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(f"http://127.0.0.1:{port}/healthz") == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.1)  # polling a starting server, not testing time
        assert get(f"http://127.0.0.1:{port}/readyz") == 200
        request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=b"command=x", method="POST")
        assert get_status(request) == 401
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    assert "gunicorn" in output.lower() or "Booting worker" in output


def get_status(request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
