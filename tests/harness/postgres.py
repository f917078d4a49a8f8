"""A throwaway PostgreSQL cluster for the test run.

Uses the machine's PostgreSQL server binaries (Debian's ``postgresql``
package; ``.ci/run`` installs it). ``initdb`` refuses to run as root, so under
root the cluster is created and run as the unprivileged ``nobody`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    candidates = []
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    run_as: str | None
    options: str = ""

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True)

    def pause(self) -> None:
        """Stop the server but keep its data (to test an outage)."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        result = self._run(
            "pg_ctl", "-D", str(self.datadir), "-o", self.options, "-l", str(self.datadir.parent / "log"), "-w", "start"
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed: {result.stderr.strip()[-500:]}")

    def freeze(self) -> None:
        """SIGSTOP the server and every backend: connections are accepted by the kernel, nothing answers."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, signum: int) -> None:
        for pid in self._processes():
            with contextlib.suppress(ProcessLookupError):  # a backend that just exited
                os.kill(pid, signum)

    def _processes(self) -> list[int]:
        postmaster = int((self.datadir / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def stop(self) -> None:
        self.pause()
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_cluster() -> Cluster:
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
            "`postgresql` package or set TEST_DATABASE_URL"
        )
    run_as = "nobody" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="hiredesk-pg-"))
    datadir = root / "data"
    if run_as:
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = Cluster(bindir=bindir, datadir=datadir, port=free_port(), run_as=run_as)
    init = cluster._run("initdb", "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    if init.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
    cluster.options = (
        f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )
    try:
        cluster.resume()
    except PostgresUnavailable:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        raise PostgresUnavailable(f"pg_ctl start failed: {log.strip()[-500:]}") from None
    return cluster


def wait_until_accepting(url: str, timeout: float = 10.0) -> None:
    import sqlalchemy

    deadline = time.monotonic() + timeout
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    while True:
        try:
            with engine.connect():
                return
        except sqlalchemy.exc.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
