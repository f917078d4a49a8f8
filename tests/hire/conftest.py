"""Fixtures of the car hire tests."""

from __future__ import annotations

import pytest
from freezegun import freeze_time

from .helpers import NOW, make_agent


@pytest.fixture
def desk(database):
    """A fresh database (each backend) with UAGENT an agent, and the clock stopped at ``NOW``."""
    with freeze_time(NOW):
        make_agent(database)
        yield database
