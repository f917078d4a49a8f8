"""A database outage: users are told HireDesk is unavailable, the app keeps running and recovers."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.harness.databases import PostgresDatabases
from tests.harness.live_app import LiveServer, settings_for_tests
from tests.harness.postgres import PostgresUnavailable, start_cluster, wait_until_accepting


@pytest.fixture
def own_cluster(postgres_databases):
    """A PostgreSQL server of this test's own, so stopping it hurts no other test."""
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        pytest.fail(str(error))
    wait_until_accepting(cluster.admin_url)
    yield cluster
    cluster.stop()


def readiness(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_database_down_then_back(own_cluster, fake_slack):
    databases = PostgresDatabases(own_cluster.admin_url)
    server = LiveServer(settings_for_tests(databases.new(), fake_slack), fake_slack)
    app = server.app
    try:
        assert app.slack.command("/hiredesk", "role <@UTECH> technician", user="UADMIN").status == 200

        own_cluster.pause()
        response = app.slack.command("/hiredesk", "roles", user="UADMIN")
        assert response.status == 200
        assert response.json["response_type"] == "ephemeral"
        assert "temporarily unavailable" in response.json["text"]
        assert "Traceback" not in response.body
        assert readiness(app.url) == 503

        own_cluster.resume()
        response = app.slack.command("/hiredesk", "roles", user="UADMIN")
        assert "<@UTECH>: technician" in response.json["text"]
        assert readiness(app.url) == 200
    finally:
        server.stop()
        databases.close()
