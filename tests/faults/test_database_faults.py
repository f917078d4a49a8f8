"""PostgreSQL stopped, and frozen (SIGSTOP: the kernel still accepts, nothing answers), mid-load.

Under load from several clients: every request is answered within Slack's 3 s; no write the user was
told succeeded is lost; no write is made after the user was told it failed; the app recovers without a
restart; /readyz answers within 1 s either way."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request

import pytest

from db.models import UserRole
from tests.harness.databases import PostgresDatabases
from tests.harness.live_app import LiveServer, settings_for_tests
from tests.harness.postgres import PostgresUnavailable, start_cluster, wait_until_accepting

UNAVAILABLE = "temporarily unavailable"


@pytest.fixture
def own_cluster(postgres_databases):
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        pytest.fail(str(error))
    wait_until_accepting(cluster.admin_url)
    yield cluster
    cluster.thaw()
    cluster.stop()


@pytest.fixture
def app_on_own_cluster(own_cluster, fake_slack):
    databases = PostgresDatabases(own_cluster.admin_url)
    server = LiveServer(settings_for_tests(databases.new(), fake_slack), fake_slack)
    yield server.app
    server.stop()
    databases.close()


def readiness(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=10) as response:
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started


class Load:
    """Clients granting roles one after another; each grant's answer is recorded with its user."""

    def __init__(self, app, clients: int = 6) -> None:
        self.app = app
        self.answers: list[tuple[str, str, float]] = []  # (user, answer text, seconds)
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(n,)) for n in range(clients)]
        self._lock = threading.Lock()

    def _client(self, n: int) -> None:
        i = 0
        while not self.stopped.is_set():
            user = f"ULOAD{n}X{i}"
            i += 1
            started = time.monotonic()
            response = self.app.slack.command("/hiredesk", f"role <@{user}> technician", user="UADMIN")
            assert response.status == 200, response.body
            with self._lock:
                self.answers.append((user, response.json["text"], time.monotonic() - started))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(30)


def granted_users(app) -> set[str]:
    with app.db.transaction(readonly=True) as session:
        return {r.user_id for r in session.query(UserRole)}


@pytest.mark.parametrize("outage", ["frozen", "stopped"])
def test_outage_mid_load(app_on_own_cluster, own_cluster, outage):
    app = app_on_own_cluster
    down, up = (own_cluster.freeze, own_cluster.thaw) if outage == "frozen" else (own_cluster.pause, own_cluster.resume)
    with Load(app) as load:
        time.sleep(1)  # load before the outage
        down()
        outage_started = time.monotonic()
        status, took = readiness(app.url)
        assert status == 503 and took < 1.0
        while time.monotonic() - outage_started < 10:
            time.sleep(0.2)
        up()
        recovered = time.monotonic()
        while not any(UNAVAILABLE not in text for _, text, _ in load.answers[-3:]) or readiness(app.url)[0] != 200:
            assert time.monotonic() - recovered < 60, "no recovery within 60 s"
            time.sleep(0.2)
        time.sleep(1)  # load after recovery
    assert readiness(app.url)[0] == 200
    assert readiness(app.url)[1] < 1.0
    granted = granted_users(app)
    told_ok = {user for user, text, _ in load.answers if "is now" in text}
    told_failed = {user for user, text, _ in load.answers if UNAVAILABLE in text}
    assert told_failed, "the outage was never noticed"
    assert told_ok <= granted, f"acknowledged but lost: {told_ok - granted}"
    assert not (told_failed & granted), f"written after a failure answer: {told_failed & granted}"
    assert max(seconds for _, _, seconds in load.answers) < 3.0
