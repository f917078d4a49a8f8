"""Starting and stopping what the benchmark runs: servers in subprocesses, PostgreSQL.

Everything started goes on one ``ExitStack``, so it is stopped at the end, on
an error and on Ctrl-C alike.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench-token"


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the run (everything started is stopped on the way out), even when the
    launcher ignored or blocked SIGINT (as a shell does for a command started with ``&``)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


class StartFailed(RuntimeError):
    pass


@dataclass
class ProcessTree:
    """A process and every process it forked (gunicorn's master and workers; PostgreSQL's backends)."""

    pid: int
    cpu_seen: dict[int, float] = field(default_factory=dict)

    def processes(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_bytes(self) -> int:
        return sum(_quietly(lambda p: p.memory_info().rss, p, 0) for p in self.processes())

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of all its processes so far; remembers the dead ones' last figure."""
        for p in self.processes():
            self.cpu_seen[p.pid] = _quietly(lambda q: sum(q.cpu_times()[:2]), p, self.cpu_seen.get(p.pid, 0.0))
        return sum(self.cpu_seen.values())


@dataclass
class Server(ProcessTree):
    """A server in a subprocess (its own process group), logging to ``log``."""

    name: str = ""
    process: subprocess.Popen | None = None
    port: int = 0
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _quietly(read, process: psutil.Process, default):
    try:
        return read(process)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return default


def free_port() -> int:
    from tests.harness.postgres import free_port as pick

    return pick()


def spawn(name: str, args: list[str], env: dict[str, str], log: Path, port: int) -> Server:
    with open(log, "ab") as out:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process.pid, name=name, process=process, port=port, log=log)


def wait_healthy(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise StartFailed(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise StartFailed(f"{server.name} did not answer /healthz within {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.1)


def app_env(database_url: str, fake_api_url: str, port: int, admins: list[str]) -> dict[str, str]:
    """HireDesk's environment as in production, pointed at the fake Slack."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "HIREDESK_ADMINS": ",".join(admins),
        "HIREDESK_TRIAGE_CHANNEL": "CTRIAGE",
        "HIREDESK_FLEET_CHANNEL": "CFLEET",
        "HIREDESK_MANAGERS_CHANNEL": "CMANAGERS",
        "HIREDESK_TIMEZONE": "Europe/London",
        # The scheduler runs in gunicorn's master; its jobs are measured apart (scale).
        "HIREDESK_SCHEDULER": "off",
        "LOG_LEVEL": "WARNING",
    }


def migrate(env: dict[str, str], log: Path) -> None:
    with open(log, "ab") as out:
        result = subprocess.run(
            [sys.executable, "app.py", "migrate"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    if result.returncode != 0:
        raise StartFailed(f"python app.py migrate failed; see {log}")


def start_hiredesk(env: dict[str, str], log: Path, workers: int) -> Server:
    """``python app.py serve`` (gunicorn, as in production) on a migrated database."""
    server = spawn(
        "HireDesk", [sys.executable, "app.py", "serve", "--workers", str(workers)], env, log, int(env["PORT"])
    )
    wait_healthy(server)
    return server


def start_bare_bolt(workdir: Path, workers: int, process_before_response: bool, fake_api_url: str) -> Server:
    port = free_port()
    name = "bare Bolt (process_before_response)" if process_before_response else "bare Bolt (default)"
    args = [sys.executable, "-m", "bench.bare_bolt", "--workers", str(workers)]
    if process_before_response:
        args.append("--process-before-response")
    log = workdir / ("bare-bolt-pbr.log" if process_before_response else "bare-bolt.log")
    server = spawn(
        name,
        args,
        {
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": fake_api_url,
            "PORT": str(port),
        },
        log,
        port,
    )
    wait_healthy(server)
    return server


class FakeSlackProcess:
    """``bench.fake_server`` in a subprocess, with its ``/bench`` controls."""

    def __init__(self, workdir: Path) -> None:
        log = workdir / "fake-slack.log"
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-m", "bench.fake_server", "--token", BOT_TOKEN],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=out,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        line = self.process.stdout.readline().decode()
        if not line.startswith("listening "):
            self.process.kill()
            raise StartFailed(f"the fake Slack did not start: {line!r}; see {log}")
        self.server = Server(
            self.process.pid, name="fake Slack", process=self.process, port=int(line.split()[1]), log=log
        )

    @property
    def base_url(self) -> str:
        return self.server.url

    @property
    def api_url(self) -> str:
        return f"{self.server.url}/api/"

    def _post(self, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        conn.request("POST", path, body=json.dumps(body or {}), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(f"fake Slack {path}: HTTP {response.status}")
        return json.loads(data) if data and data[:1] in b"[{" else None

    def post_cards(self, channel: str, text: str, blocks: list, count: int) -> list[str]:
        return self._post("/bench/cards", {"channel": channel, "text": text, "blocks": blocks, "count": count})

    def take_calls(self) -> list[dict]:
        return self._post("/bench/take-calls")

    def reset(self) -> None:
        self._post("/bench/reset")

    def stop(self) -> None:
        self.server.stop()
