"""Shared fixtures: the sample corpus and a fault server on 127.0.0.1, settings, a fresh warehouse.

Warehouses are SQLite files, or with CLOUDINTEL_TEST_BACKEND=postgresql fresh PostgreSQL databases
(tests/support/backend.py; `make test-postgres`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cloudintel.corpus_server import serve_corpus
from flows.settings import Settings
from tests.support.backend import BACKEND, ON_POSTGRES, VARIABLE
from tests.support.faultserver import FaultServer
from tests.support.postgres import drop_databases, fresh_database, postgres_server

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "cloudintel" / "corpus"
# the corpus's fictional organizations: given to every test as a user's file, as the demo does
CORPUS_ORGANIZATIONS = CORPUS / "organizations.yaml"
os.environ["CLOUDINTEL_ORGANIZATIONS"] = str(CORPUS_ORGANIZATIONS)
# the corpus is an archive of 2024-2025 news, alerted as if new; the age limit's tests set their own
os.environ["CLOUDINTEL_ALERTS_MAX_AGE_DAYS"] = "0"
_MADE: list[str] = []  # PostgreSQL databases made this session


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): checks something only a SQLite warehouse has; skipped, with its reason, "
        f"when {VARIABLE}=postgresql",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"warehouse backend: {BACKEND} ({VARIABLE})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            if not reason:
                raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


@pytest.fixture(scope="session", autouse=True)
def loopback_only() -> Iterator[None]:
    """No test may open a connection beyond 127.0.0.0/8 and ::1: the test fails before it could."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            host = str(address[0])
            try:
                loopback = ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise AssertionError(f"a test tried to connect to {host}: only loopback is allowed")

    def connect(sock: socket.socket, address: object) -> None:
        check(sock, address)
        return real_connect(sock, address)  # type: ignore[arg-type]

    def connect_ex(sock: socket.socket, address: object) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def corpus_base_url() -> Iterator[str]:
    with serve_corpus(CORPUS) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def corpus_pages() -> dict[str, dict[str, object]]:
    """What a human read off each corpus page: date, title, body phrases, chrome phrases."""
    lines = (ROOT / "tests" / "fixtures" / "corpus_pages.jsonl").read_text().splitlines()
    return {row["page"]: row for row in map(json.loads, lines)}


@pytest.fixture()
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer(slow_seconds=3.0).start()
    yield server
    server.stop()


@pytest.fixture()
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One Prefect test harness for the whole-flow tests of the session (tests/flows, the fault suite in
    tests/faults): its temporary API takes ~20 s to start."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture()
def settings(tmp_path: Path, warehouse_env: dict[str, str]) -> Settings:
    """Loopback allowed, short timeouts and a small size cap, a warehouse in tmp_path (or, on
    PostgreSQL, a fresh database)."""
    return Settings(
        home=tmp_path,
        database_url=warehouse_env.get("CLOUDINTEL_DATABASE_URL"),  # None: $home/warehouse.db
        allow_loopback=True,
        connect_timeout=1.0,
        read_timeout=1.0,
        total_timeout=2.5,
        max_bytes=500_000,
        retries=1,
        retry_backoff=0.05,
    )


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server for the whole session (see tests/support/postgres.py)."""
    with postgres_server() as url:
        yield url
        if os.environ.get("CLOUDINTEL_TEST_POSTGRES_URL"):  # not our throwaway cluster: tidy up
            with contextlib.suppress(psycopg.Error):
                drop_databases(url, _MADE)


def new_postgres_database(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the session's PostgreSQL server; its SQLAlchemy URL."""
    url = fresh_database(request.getfixturevalue("postgres_admin_url"))
    _MADE.append(url)
    return url


def fresh_warehouse(request: pytest.FixtureRequest, folder: Path) -> str:
    """An empty warehouse on the test backend: `folder`/warehouse.db, or a fresh PostgreSQL database."""
    if ON_POSTGRES:
        return new_postgres_database(request)
    return f"sqlite:///{folder / 'warehouse.db'}"


@pytest.fixture()
def warehouse_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """What to add to a `cloudintel` environment for the test backend's warehouse: nothing on SQLite
    (the default $CLOUDINTEL_HOME/warehouse.db), CLOUDINTEL_DATABASE_URL of a fresh database on PostgreSQL."""
    return {"CLOUDINTEL_DATABASE_URL": new_postgres_database(request)} if ON_POSTGRES else {}


BACKENDS = [pytest.param("postgresql", marks=pytest.mark.postgres)]
if not ON_POSTGRES:  # on PostgreSQL the SQLite case would only repeat `make test`
    BACKENDS.insert(0, pytest.param("sqlite"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty warehouse URL: SQLite in tmp_path, and (marked `postgres`) a fresh PostgreSQL database.
    With CLOUDINTEL_TEST_BACKEND=postgresql, only the PostgreSQL case."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    return new_postgres_database(request)
