from __future__ import annotations

import pytest

from .oauth import distributed_server


@pytest.fixture
def distributed_app(database_url, fake_slack):
    """The live app distributed over OAuth (no bot token of its own)."""
    server = distributed_server(database_url, fake_slack)
    yield server.app
    server.stop()
