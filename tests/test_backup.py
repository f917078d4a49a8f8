"""Back up and restore, as docs/operations.md tells the operator: pg_dump (custom format),
the database wiped, pg_restore, and the app carries on where it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from bot.errors import FormErrors
from bot.services.actors import load_actor
from bot.services.hire import bookings as booking_service
from bot.services.hire.bookings import NewBooking
from bot.services.tickets import lifecycle
from bot.services.tickets.forms import parse_ticket_form
from db.migrate import check_compatible, head_revision
from db.models import Booking, Ticket
from db.session import Database
from tests.harness.postgres import find_bindir
from tests.hire.helpers import NOW, SETTINGS, TEAM, actor, add_customer, add_vehicle, make_agent


def client_binary(name: str) -> str:
    """pg_dump / pg_restore of the server's own version (the throwaway cluster's), else the PATH's."""
    bindir = find_bindir()
    if bindir and (bindir / name).exists():
        return str(bindir / name)
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} not found in CI")
        pytest.skip(f"{name} not found (Debian: apt-get install postgresql-client)")
    return found


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def raise_ticket(database: Database, title: str) -> str:
    with database.transaction() as session:
        change = lifecycle.create(
            session, load_actor(session, TEAM, "UEMPLOYEE", ()), parse_ticket_form(title, "", "network", "MAJOR")
        )
        return change.ticket.key


def book(database: Database, customer: int, vehicle: int, start_in_days: int) -> str:
    pickup = NOW + timedelta(days=start_in_days, hours=1)
    with database.transaction() as session:
        form = NewBooking(customer, vehicle, pickup, pickup + timedelta(days=2))
        return booking_service.create_booking(session, actor(session, "UAGENT"), form, SETTINGS).key


def recreate_empty(admin_url: str, name: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


@freeze_time(NOW)
def test_back_up_wipe_restore_and_carry_on(postgres_url, tmp_path: Path):
    database = Database(postgres_url)
    make_agent(database)
    customer, vehicle = add_customer(database), add_vehicle(database)
    tickets = [raise_ticket(database, "VPN drops every hour"), raise_ticket(database, "New starter laptop")]
    booking = book(database, customer, vehicle, start_in_days=1)
    database.dispose()

    backup = tmp_path / "hiredesk.dump"
    dumped = subprocess.run(
        [client_binary("pg_dump"), "--format=custom", f"--file={backup}", f"--dbname={libpq_url(postgres_url)}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dumped.returncode == 0, dumped.stderr

    url = sa.engine.make_url(postgres_url)
    recreate_empty(url.set(database="postgres").render_as_string(hide_password=False), url.database)
    wiped = Database(postgres_url)
    with wiped.engine.connect() as conn:
        assert not sa.inspect(conn).get_table_names()
    wiped.dispose()

    restored = subprocess.run(
        [
            client_binary("pg_restore"),
            "--exit-on-error",
            "--no-owner",
            f"--dbname={libpq_url(postgres_url)}",
            str(backup),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restored.returncode == 0, restored.stderr

    database = Database(postgres_url)
    assert check_compatible(database.engine).current == head_revision()
    with database.transaction() as session:
        assert [t.key for t in session.query(Ticket).order_by(Ticket.number)] == tickets
        assert [b.key for b in session.query(Booking)] == [booking]
    # Numbering and ids carry on from where they were, and the rules still hold in the database.
    assert raise_ticket(database, "After the restore") == "T-3"
    other_vehicle = add_vehicle(database, registration="XY99 ZZZ")
    assert book(database, customer, other_vehicle, start_in_days=1) == "B-2"
    with pytest.raises(FormErrors):
        book(database, customer, vehicle, start_in_days=2)  # overlaps the restored booking
    with database.engine.connect() as conn:
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM pg_constraint WHERE conname = 'ex_bookings_no_overlap'")
            ).scalar_one()
            == 1
        )
    database.dispose()
