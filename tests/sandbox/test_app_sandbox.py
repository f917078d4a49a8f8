"""The README's first command: ``python app.py sandbox`` (what ``scripts/run.sh`` runs without Slack
credentials) serves the sandbox on a database of its own, prints where, and stops cleanly on
Ctrl-C; ``seed-demo`` loads demo data. ``serve`` without credentials never starts the sandbox: it
stops at once with one line, writing nothing."""

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

import app
from tests.harness.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 20.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, process.communicate()
        try:
            with urllib.request.urlopen(url + "healthz", timeout=1):
                return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise AssertionError(f"the sandbox did not come up at {url} in {timeout} s")


def test_python_app_py_sandbox_serves_the_sandbox_on_its_own_database_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_URL"))}
    port = free_port()
    operators = tmp_path / "operators.db"
    env.update(PORT=str(port), DATABASE_URL=f"sqlite:///{operators}")  # the scheduler runs, as by default
    command = [sys.executable, "app.py", "sandbox", "--database", f"sqlite:///{tmp_path / 'fresh.db'}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        startup = _wait_until_up(url, process)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "Acting as" in response.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=45)  # a loaded CI machine
    assert process.returncode == 0, err
    assert f"HireDesk sandbox: open {url}" in out
    assert "stopped" in out and "Traceback" not in err
    assert (tmp_path / "fresh.db").exists() and not operators.exists()  # never the operator's database
    print(f"sandbox up in {startup:.2f} s")
    assert startup < 10  # "a second or two" on a laptop; CI machines get slack


@pytest.mark.parametrize("argv", [[], ["serve"]])
def test_serve_without_credentials_stops_at_once_with_one_line_and_writes_nothing(tmp_path, argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_URL"))}
    database = tmp_path / "operators.db"
    env.update(PORT=str(free_port()), DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run(
        [sys.executable, "app.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in lines[0]
    assert "python app.py sandbox" in lines[0] and "sandbox: open" not in result.stdout
    assert not database.exists() and list(tmp_path.iterdir()) == []  # nothing written


def test_half_the_credentials_is_an_error_not_the_sandbox(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-only-the-token")
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    assert app.main([]) == 2
    assert "SLACK_SIGNING_SECRET: missing: it is needed with SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_seed_demo_loads_once_on_either_database(database_url, capsys):
    assert app.main(["seed-demo", "--database", database_url]) == 0
    assert "Demo data loaded: 6 vehicles, 28 customers, 7 bookings and 6 tickets." in capsys.readouterr().out
    assert app.main(["seed-demo", "--database", database_url]) == 0
    assert "already there" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["seed-demo", "--extra"]])
def test_seed_demo_takes_no_arguments(argv):
    with pytest.raises(SystemExit):
        app.main(argv)
