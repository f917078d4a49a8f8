"""The load generator: N keep-alive clients sending signed Slack requests, as fast as answered.

Each client is a thread with its own ``http.client`` connection (HTTP/1.1 keep-alive,
as Slack's own senders keep connections open) and its own user. A client sends its
next request as soon as the previous answer came (closed loop), so the rate is what
the server sustains with that many requests in flight.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.sandbox.signed_requests import sign

from .workload import Workload


@dataclass
class Sample:
    kind: str
    sent_at: float  # wall clock (time.time), to match the fake Slack's call times
    latency: float  # seconds, request written → answer read (perf_counter)
    error: str | None
    effect: tuple | None


@dataclass
class PhaseResult:
    label: str
    clients: int
    samples: list[Sample]
    seconds: float  # wall time of the measured part
    marks: dict[int, dict] = field(default_factory=dict)  # after n requests: what ``on_mark`` returned
    warmup: list[Sample] = field(default_factory=list)  # not measured, but their effects happen too

    @property
    def rate(self) -> float:
        return len(self.samples) / self.seconds if self.seconds else 0.0


class KeepAliveClient:
    def __init__(self, host: str, port: int, secret: str) -> None:
        self.host, self.port, self.secret = host, port, secret
        self.conn: http.client.HTTPConnection | None = None

    def send(self, body: str, content_type: str) -> tuple[int, str, float, float]:
        """(status, body, sent at, latency). Reconnects once if the server closed the connection."""
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.connect()
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": sign(self.secret, timestamp, body),
            }
            data = body.encode()
            sent_at, started = time.time(), time.perf_counter()
            try:
                self.conn.request("POST", "/slack/events", body=data, headers=headers)
                response = self.conn.getresponse()
                answer = response.read().decode()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                if attempt == 2:
                    raise ConnectionError(str(error)) from error
                continue
            latency = time.perf_counter() - started
            if response.will_close:
                self.close()
            return response.status, answer, sent_at, latency
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run_phase(
    label: str,
    url: str,
    secret: str,
    workload: Workload,
    kinds: list[str],
    clients: int,
    requests: int,
    warmup: int = 0,
    marks: tuple[int, ...] = (),
    on_mark: Callable[[], dict] | None = None,
    users: Callable[[int], str] = lambda i: f"UBENCH{i + 1}",
) -> PhaseResult:
    """Send ``requests`` requests (kinds in turn) from ``clients`` clients; the first ``warmup`` are not kept."""
    host, port = url.removeprefix("http://").split(":")
    order = itertools.count()
    lock = threading.Lock()
    samples: list[Sample] = []
    warm: list[Sample] = []
    done = itertools.count(1)
    mark_results: dict[int, dict] = {}
    measured_from: list[float] = []
    total = warmup + requests
    failures: list[BaseException] = []

    def client(index: int) -> None:
        connection = KeepAliveClient(host, int(port), secret)
        maker = workload.builder(users(index))
        try:
            while True:
                with lock:
                    i = next(order)
                    if i == warmup:
                        measured_from.append(time.perf_counter())
                if i >= total:
                    return
                kind = kinds[i % len(kinds)]
                prepared = maker.make(kind)
                try:
                    status, answer, sent_at, latency = connection.send(prepared.body, prepared.content_type)
                    error = prepared.check(status, answer)
                except (ConnectionError, OSError, http.client.HTTPException) as problem:
                    sent_at, latency, error = time.time(), 0.0, f"connection: {problem}"
                if maker.after:
                    maker.after(error is None)
                sample = Sample(kind, sent_at, latency, error, prepared.effect if error is None else None)
                if i < warmup:
                    with lock:
                        warm.append(sample)
                    continue
                with lock:
                    samples.append(sample)
                    n = next(done)
                if n in marks and on_mark is not None:
                    mark_results[n] = on_mark()
        except BaseException as problem:
            failures.append(problem)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(i,), name=f"bench-client-{i}", daemon=True) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.perf_counter()
    if failures:
        raise failures[0]
    seconds = finished - measured_from[0] if measured_from else 0.0
    return PhaseResult(label, clients, samples, seconds, mark_results, warm)
