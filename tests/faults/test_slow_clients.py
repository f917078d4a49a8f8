"""Slow and stalled clients (issue 11): the real server (`python app.py`, gunicorn with
waitress-buffered workers) keeps answering while 50 sockets dribble their requests."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time

import pytest

from bot.sandbox.signed_requests import SignedSlackClient
from bot.web import MAX_BODY_BYTES
from db.migrate import upgrade
from tests.faults.test_front_door import raw_request, signed_headers
from tests.harness.postgres import free_port
from tests.harness.served import ROOT, SIGNING_SECRET, ServedApp, children_of, get, wait_until

SLOW_SOCKETS = 50
REQUESTS = 200


@pytest.fixture
def served(tmp_path, fake_slack):
    database_url = f"sqlite:///{tmp_path / 'slow.db'}"
    upgrade(database_url)
    app = ServedApp(database_url, fake_slack).wait_until_serving()
    yield app
    app.stop()


def open_slow_socket(port: int, body_bytes: int) -> socket.socket:
    """A request whose headers promise ``body_bytes`` and whose body has begun: 10 bytes so far."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        (
            "POST /slack/events HTTP/1.1\r\nHost: hiredesk\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: v0={'0' * 64}\r\n"
            f"Content-Length: {body_bytes}\r\n\r\npayload=%7"
        ).encode()
    )
    return sock


def test_fifty_slow_clients_do_not_delay_signed_requests(served, fake_slack):
    slow = [open_slow_socket(served.port, 1_000_000) for _ in range(SLOW_SOCKETS)]
    stop = threading.Event()

    def dribble() -> None:  # one more byte per socket now and then: never idle, never done
        while not stop.wait(0.2):
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.send(b"B")

    dribbler = threading.Thread(target=dribble, daemon=True)
    dribbler.start()
    try:
        slack = SignedSlackClient(served.url, SIGNING_SECRET, fake_slack)
        latencies = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            assert slack.command("/hiredesk", "help", user="UEMPLOYEE").status == 200
            latencies.append(time.perf_counter() - started)
        assert get(f"{served.url}/healthz", timeout=1)[0] == 200
    finally:
        stop.set()
        dribbler.join()
        for sock in slow:
            sock.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    assert p99 < 0.1, f"p99 {p99 * 1000:.0f} ms; median {latencies[len(latencies) // 2] * 1000:.0f} ms"


def test_a_stalled_client_is_dropped_after_the_idle_time_out(tmp_path, fake_slack):
    database_url = f"sqlite:///{tmp_path / 'idle.db'}"
    upgrade(database_url)
    app = ServedApp(database_url, fake_slack, HIREDESK_WEB_IDLE_TIMEOUT_SECONDS="1").wait_until_serving()
    try:
        sock = open_slow_socket(app.port, 1000)
        sock.settimeout(10)
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, no answer to half a request
        assert time.monotonic() - started < 5
    finally:
        app.stop()


def test_sigterm_lets_the_request_in_flight_finish_then_exits(served, fake_slack):
    """A request still waiting on Slack when SIGTERM arrives is answered; the process is gone
    within 10 s (Docker's and Kubernetes' grace before SIGKILL)."""
    fake_slack.slow("views.open", 2.0)
    slack = SignedSlackClient(served.url, SIGNING_SECRET, fake_slack)
    answers: list[tuple[int, float]] = []

    def ask() -> None:
        status = slack.command("/ticket", "", user="UEMPLOYEE").status
        answers.append((status, time.monotonic()))

    in_flight = threading.Thread(target=ask)
    in_flight.start()
    fake_slack.wait_for("views.open")  # the request is inside the app now
    signalled = time.monotonic()
    output = served.stop()
    in_flight.join()
    ((status, answered),) = answers
    assert status == 200 and answered - signalled > 1  # answered after SIGTERM, when Slack was
    assert served.process.returncode == 0, output
    assert time.monotonic() - signalled < 10


def test_a_request_past_the_request_time_out_gets_its_worker_replaced():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.harness.stuck_app", str(port), "5"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: get(f"{url}/", timeout=1)[0] == 200, "the server", server)
        (worker,) = wait_until(lambda: children_of(server.pid), "the worker", server)

        def ask() -> None:
            with contextlib.suppress(OSError):  # its worker is killed under it
                get(f"{url}/stuck", timeout=30)

        stuck = threading.Thread(target=ask)
        stuck.start()
        started = time.monotonic()
        wait_until(lambda: children_of(server.pid) - {worker}, "a new worker", server, timeout=20)
        assert 4 < time.monotonic() - started < 15
        assert get(f"{url}/", timeout=2)[0] == 200
    finally:
        server.terminate()
        server.wait(30)
    stuck.join(timeout=5)


@pytest.mark.parametrize(
    "head",
    [
        {},  # no Slack headers at all
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v1=" + "0" * 64},
    ],
    ids=["no headers", "timestamp not a number", "not v0"],
)
def test_the_workers_refuse_unsigned_requests_before_reading_the_body(served, head):
    """Behind ``BufferingWorker`` waitress reads bodies before the app sees a request: its parser
    refuses one whose signature headers are malformed as soon as the headers are in. 500 KB
    declared, none of it sent: the 401 comes at once, and the connection is closed."""
    head = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(500_000), **head}
    status, took = raw_request(served.url, head)
    assert status == 401
    assert took < 0.5
    assert slack_answers(served)  # the worker still serves signed requests


def test_the_workers_refuse_a_declared_body_over_the_limit_unread(served):
    head = {**signed_headers("x"), "Content-Length": str(MAX_BODY_BYTES + 1)}
    status, took = raw_request(served.url, head)
    assert status == 413
    assert took < 0.5


def slack_answers(served) -> bool:
    return get(f"{served.url}/healthz", timeout=1)[0] == 200


def test_an_unsigned_request_expecting_100_continue_gets_401_not_continue(served):
    head = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "500000", "Expect": "100-continue"}
    status, took = raw_request(served.url, head)
    assert status == 401
    assert took < 0.5
