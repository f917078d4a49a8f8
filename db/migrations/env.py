"""Alembic environment: online migrations against the configured URL."""

import os

from alembic import context
from sqlalchemy import pool

from db.models import Base
from db.session import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if config.config_file_name:  # the `alembic` CLI (alembic.ini): DATABASE_URL wins
        url = os.environ.get("DATABASE_URL", url)
    if not url:  # alembic.ini and alembic_config() both set one
        raise RuntimeError("no database URL: set sqlalchemy.url or DATABASE_URL")
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `python app.py migrate`")
run_migrations_online()
