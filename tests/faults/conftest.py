"""The fault suite: everything under tests/faults is marked ``fault`` (``-m fault`` runs just it)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Base
from db.session import Database
from tests.faults.desk import Run, furnish


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.fault)


def row_counts(db: Database) -> dict[str, int]:
    """How many rows each table holds: a refused request must leave every count as it was."""
    with db.transaction(readonly=True) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def run(live_app):
    """The live app with people in every role and one of every record, here and in a foreign workspace."""
    here, foreign = furnish(live_app)
    return Run(live_app, here, foreign)
