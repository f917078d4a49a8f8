"""Fixtures of the help-desk tests."""

from __future__ import annotations

import pytest

from tests.harness.live_app import LiveServer, settings_for_tests


@pytest.fixture
def live_app_without_triage(database_url, fake_slack):
    """HireDesk with no triage channel configured anywhere."""
    server = LiveServer(settings_for_tests(database_url, fake_slack, HIREDESK_TRIAGE_CHANNEL=""), fake_slack)
    yield server.app
    server.stop()
