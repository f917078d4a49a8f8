"""Fresh, migrated databases for tests, on SQLite and PostgreSQL.

Migrations run once per backend into a template; each test then gets a copy
(a copied SQLite file, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), which
is far faster than migrating for every test.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa

from db.migrate import upgrade

_counter = itertools.count(1)


class SqliteDatabases:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hiredesk-sqlite-"))
        self.template = self.root / "template.db"
        upgrade(f"sqlite:///{self.template}")

    def new(self) -> str:
        path = self.root / f"test{next(_counter)}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PostgresDatabases:
    """Databases on one server; ``admin_url`` must be able to CREATE DATABASE."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = sa.engine.make_url(admin_url)
        self.admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.template = f"hiredesk_template_{next(_counter)}"
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._execute(f'CREATE DATABASE "{self.template}"')
        upgrade(self._url(self.template))

    def _url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def new(self) -> str:
        name = f"hiredesk_test_{next(_counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url(name)

    def drop(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()
