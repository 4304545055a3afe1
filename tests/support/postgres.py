"""A throwaway PostgreSQL server for tests: `CLOUDINTEL_TEST_POSTGRES_URL`, or a cluster started here.

The cluster is created with the server binaries on PATH or under /usr/lib/postgresql/*/bin (Debian's
`postgresql` package), listens on 127.0.0.1 on a free port, trusts local connections, and is removed
afterwards. As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
Without binaries or URL the PostgreSQL tests are skipped, or fail under CI=true (tests/support/ci.py).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.support.ci import server_missing


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield an admin URL (psycopg form, no driver prefix) of a running server."""
    existing = os.environ.get("CLOUDINTEL_TEST_POSTGRES_URL")
    if existing:
        yield existing.replace("postgresql+psycopg://", "postgresql://")
        return
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        server_missing(
            "PostgreSQL server binaries not found: install them (Debian: apt-get install postgresql) "
            "or set CLOUDINTEL_TEST_POSTGRES_URL to a server the tests may create databases on"
        )
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root = Path(tempfile.mkdtemp(prefix="cloudintel-pg-"))
    data = root / "data"
    if as_user:
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=200"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(admin_url: str) -> str:
    """Create an empty database; returns its SQLAlchemy URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


def drop_databases(admin_url: str, urls: list[str]) -> None:
    """Drop databases made by `fresh_database` (connections still open to them are ended)."""
    if not urls:
        return
    with psycopg.connect(admin_url, autocommit=True) as connection:
        for url in urls:
            name = url.rsplit("/", 1)[1]
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
