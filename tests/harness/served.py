"""`python app.py` as production runs it (gunicorn, its workers, the scheduler unless turned off),
as a child process on a free port, talking to the fake Slack."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from fakeslack import FakeSlack
from tests.harness.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
SIGNING_SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until(condition, what: str, process: subprocess.Popen | None = None, timeout: float = 30.0):
    """``condition()``'s first true value, polled (other processes' progress, not time under test)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
            if result:
                return result
        except OSError:
            pass
        assert process is None or process.poll() is None, f"python app.py exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class ServedApp:
    """One serving process tree; ``stop()`` sends SIGTERM and returns what it printed."""

    def __init__(self, database_url: str, fake: FakeSlack, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_", "PROMETHEUS_"))
        }
        environment.update(
            SLACK_BOT_TOKEN=next(iter(fake.tokens)),
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=database_url,
            HIREDESK_SCHEDULER="off",
            HIREDESK_ADMINS="UADMIN",
            HOST="127.0.0.1",
            PORT=str(self.port),
        )
        environment.update(env)
        self.environment = environment
        self.killed = False
        self.process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_serving(self, timeout: float = 30.0) -> ServedApp:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if get(f"{self.url}/healthz", timeout=1)[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"python app.py exited:\n{self.process.communicate()[0]}")
            if time.monotonic() > deadline:
                raise RuntimeError("python app.py did not come up")
            time.sleep(0.1)  # polling a starting server, not testing time

    def stop(self, timeout: float = 30.0) -> str:
        if self.process.returncode is not None:  # killed, and already waited for
            return ""
        self.process.send_signal(signal.SIGTERM)
        return self.process.communicate(timeout=timeout)[0] or ""

    def kill(self) -> None:
        """SIGKILL the whole tree (gunicorn's master and its workers), as a crashed machine would."""
        self.killed = True
        for pid in [*children_of(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.communicate(timeout=30)


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found
