"""The image can't be built here (no Docker engine): check what would silently rot, and run
its entrypoint script for real."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from db.migrate import check_compatible, head_revision
from db.session import Database
from tests.harness.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENTRYPOINT = ROOT / "deploy" / "docker-entrypoint.sh"


def test_image_contains_every_package_the_app_imports():
    for package in ("bot", "handlers", "db"):
        assert f"COPY {package} ./{package}" in DOCKERFILE
    assert "COPY app.py" in DOCKERFILE


def test_image_is_multi_stage_non_root_and_health_checked():
    assert "ARG PYTHON_IMAGE=python:3.11-slim-" in DOCKERFILE
    assert DOCKERFILE.count("FROM ${PYTHON_IMAGE}") == 2
    assert "USER hiredesk" in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE


def test_image_installs_the_hashed_lock_and_nothing_else():
    assert "pip install --require-hashes --no-deps -r /tmp/requirements.txt" in DOCKERFILE
    assert "COPY requirements.txt /tmp/requirements.txt" in DOCKERFILE


def test_image_serves_through_the_migrating_entrypoint():
    assert "COPY deploy/docker-entrypoint.sh /usr/local/bin/hiredesk-entrypoint" in DOCKERFILE
    assert 'ENTRYPOINT ["hiredesk-entrypoint"]' in DOCKERFILE
    assert 'CMD ["python", "app.py", "serve"]' in DOCKERFILE
    assert ENTRYPOINT.stat().st_mode & stat.S_IXUSR, "the entrypoint must be executable"
    assert "DATABASE_URL=sqlite:////data/hiredesk.db" in DOCKERFILE and "VOLUME /data" in DOCKERFILE


def test_secrets_stay_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored


@pytest.fixture
def python_that_only_pretends_to_serve(tmp_path):
    """`python` for the entrypoint: the real one, except that serving just says so."""
    shim = tmp_path / "bin" / "python"
    shim.parent.mkdir()
    shim.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = app.py ] && { [ $# -eq 1 ] || [ "$2" = serve ]; }; then echo "serving"; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n'
    )
    shim.chmod(0o755)
    return shim.parent


SLACK = {"SLACK_BOT_TOKEN": "xoxb-entrypoint-test", "SLACK_SIGNING_SECRET": "entrypoint-test-secret"}


def run_entrypoint(bin_dir: Path, *command: str, credentials: bool = True, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREDESK_", "DATABASE_URL"))}
    environment.update(PATH=f"{bin_dir}:{environment['PATH']}", **(SLACK if credentials else {}), **env)
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *command], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def schema_of(url: str) -> str:
    database = Database(url)
    try:
        return check_compatible(database.engine).current
    finally:
        database.dispose()


def test_serving_on_sqlite_migrates_a_fresh_volume_first_and_keeps_its_data(
    tmp_path, python_that_only_pretends_to_serve
):
    url = f"sqlite:///{tmp_path / 'data' / 'hiredesk.db'}"
    (tmp_path / "data").mkdir()
    first = run_entrypoint(python_that_only_pretends_to_serve, "python", "app.py", "serve", DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert "database is up to date" in first.stdout and first.stdout.rstrip().endswith("serving")
    assert schema_of(url) == head_revision()

    database = Database(url)
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO workspaces (team_id, created_at, last_ticket_number, last_booking_number) VALUES ('T1', '2026-01-01 00:00:00.000000', 7, 0)"
        )
    database.dispose()
    again = run_entrypoint(python_that_only_pretends_to_serve, "python", "app.py", DATABASE_URL=url)
    assert again.returncode == 0 and again.stdout.rstrip().endswith("serving")
    database = Database(url)
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT last_ticket_number FROM workspaces").scalar_one() == 7
    database.dispose()


def test_with_postgres_migrating_is_left_to_the_release_step(python_that_only_pretends_to_serve):
    unreachable = f"postgresql+psycopg2://hiredesk@127.0.0.1:{free_port()}/hiredesk"
    result = run_entrypoint(python_that_only_pretends_to_serve, "python", "app.py", "serve", DATABASE_URL=unreachable)
    assert result.returncode == 0 and result.stdout.strip() == "serving", result.stderr


def test_other_commands_and_the_switch_are_respected(tmp_path, python_that_only_pretends_to_serve):
    url = f"sqlite:///{tmp_path / 'off.db'}"
    off = run_entrypoint(
        python_that_only_pretends_to_serve,
        "python",
        "app.py",
        "serve",
        DATABASE_URL=url,
        HIREDESK_MIGRATE_AT_START="off",
    )
    assert off.stdout.strip() == "serving"
    listed = run_entrypoint(python_that_only_pretends_to_serve, "python", "app.py", "job", "--list", DATABASE_URL=url)
    assert listed.returncode == 0 and "due-returns" in listed.stdout and "up to date" not in listed.stdout
    wrong = run_entrypoint(
        python_that_only_pretends_to_serve,
        "python",
        "app.py",
        "serve",
        DATABASE_URL=url,
        HIREDESK_MIGRATE_AT_START="yes",
    )
    assert wrong.returncode == 2 and "HIREDESK_MIGRATE_AT_START" in wrong.stderr


def test_a_failed_migration_stops_before_serving(tmp_path, python_that_only_pretends_to_serve):
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'hiredesk.db'}"
    result = run_entrypoint(python_that_only_pretends_to_serve, "python", "app.py", "serve", DATABASE_URL=url)
    assert result.returncode != 0 and "serving" not in result.stdout


def test_without_slack_credentials_nothing_is_migrated_before_serve_refuses(
    tmp_path, python_that_only_pretends_to_serve
):
    """``python app.py serve`` then stops with its one line (tests/sandbox/test_app_sandbox.py): the
    entrypoint must not have created or migrated the database first."""
    url = f"sqlite:///{tmp_path / 'hiredesk.db'}"
    result = run_entrypoint(
        python_that_only_pretends_to_serve, "python", "app.py", "serve", credentials=False, DATABASE_URL=url
    )
    assert "up to date" not in result.stdout and not (tmp_path / "hiredesk.db").exists()
