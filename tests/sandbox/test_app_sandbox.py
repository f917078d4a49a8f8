"""The README's first command: ``python app.py`` with no Slack credentials serves
the sandbox, prints where, and stops cleanly on Ctrl-C; ``seed-demo`` loads demo data."""

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


def test_python_app_py_without_credentials_serves_the_sandbox_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_URL"))}
    port = free_port()
    env.update(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")  # the scheduler runs, as by default
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
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
    print(f"sandbox up in {startup:.2f} s")
    assert startup < 10  # "a second or two" on a laptop; CI machines get slack


def test_half_the_credentials_is_an_error_not_the_sandbox(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-only-the-token")
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    assert app.main([]) == 2
    assert "SLACK_SIGNING_SECRET: missing: it is needed with SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_seed_demo_loads_once_on_either_database(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert app.main(["seed-demo"]) == 0
    assert "Demo data loaded: 6 vehicles, 28 customers, 7 bookings and 6 tickets." in capsys.readouterr().out
    assert app.main(["seed-demo"]) == 0
    assert "already there" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["seed-demo", "--extra"]])
def test_seed_demo_takes_no_arguments(argv):
    with pytest.raises(SystemExit):
        app.main(argv)
