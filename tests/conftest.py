"""Shared fixtures. Every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (a server where we may CREATE
DATABASE) or from a throwaway cluster started for this run. If neither is
possible the PostgreSQL half is skipped with a loud warning — except under
CI=true, where that is a failure.
"""

from __future__ import annotations

import os

import pytest

from bot.sandbox.server import build_sandbox
from bot.services import clock
from bot.settings import load_settings
from db.session import Database
from fakeslack import FakeSlack
from tests.harness.block_kit_gallery import register_gallery
from tests.harness.databases import PostgresDatabases, SqliteDatabases
from tests.harness.live_app import LiveServer, settings_for_tests
from tests.harness.postgres import PostgresUnavailable, start_cluster, wait_until_accepting
from tests.harness.unavailable import unavailable

BACKENDS = ["sqlite", "postgres"]


def pytest_addoption(parser):
    parser.addoption(
        "--soak", action="store_true", help="the fault suite at full strength: 10,000 hostile examples, not 2,000"
    )


@pytest.fixture(scope="session")
def sqlite_databases():
    databases = SqliteDatabases()
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def postgres_databases():
    url = os.environ.get("TEST_DATABASE_URL")
    cluster = None
    try:
        if not url:
            cluster = start_cluster()
            url = cluster.admin_url
        wait_until_accepting(url)
        databases = PostgresDatabases(url)
    except (PostgresUnavailable, Exception) as error:  # report whatever stopped it
        unavailable(f"PostgreSQL is not available, PostgreSQL tests cannot run: {error}")
    yield databases
    databases.close()
    if cluster:
        cluster.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request):
    """A fresh, migrated, empty database (SQLite file or PostgreSQL database)."""
    databases = request.getfixturevalue(f"{request.param}_databases")
    url = databases.new()
    yield url
    databases.drop(url)


@pytest.fixture
def postgres_url(postgres_databases):
    """A fresh PostgreSQL database, for tests that only make sense there (races, exclusion constraints)."""
    url = postgres_databases.new()
    yield url
    postgres_databases.drop(url)


@pytest.fixture
def database(database_url):
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def fake_slack_server():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server):
    fake_slack_server.reset()
    for user in ("UADMIN", "UEMPLOYEE", "UTECH", "UTECH2", "UAGENT", "UMANAGER"):
        fake_slack_server.add_user(user)
    for channel, name in (
        ("CTRIAGE", "it-triage"),
        ("CFLEET", "car-hire"),
        ("CMANAGERS", "managers"),
        ("C0GENERAL", "general"),
    ):
        fake_slack_server.add_channel(channel, name)
    return fake_slack_server


@pytest.fixture
def live_app(database_url, fake_slack):
    """HireDesk served over HTTP on a free port, on a fresh database, against the fake Slack."""
    server = LiveServer(settings_for_tests(database_url, fake_slack), fake_slack)
    yield server.app
    server.stop()


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """The local sandbox (app + fake Slack + page) on a free port and a fresh SQLite file,
    with the Block Kit gallery's ``/gallery`` added."""
    monkeypatch.setattr(clock, "_sandbox_offset", clock.offset())  # a moved clock stays in its test
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.db'}", "HIREDESK_SCHEDULER": "off"})
    running = build_sandbox(settings, port=0)
    register_gallery(running.bolt_app)
    running.ui.commands.append("/gallery")
    running.start_in_thread()
    yield running
    running.stop()
