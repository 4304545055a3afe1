"""Shared fixtures: the sample corpus and a fault server on 127.0.0.1, settings, a fresh warehouse."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudintel.corpus_server import serve_corpus
from cloudintel.settings import Settings
from tests.support.faultserver import FaultServer
from tests.support.postgres import fresh_database, postgres_server

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "cloudintel" / "corpus"


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


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Loopback allowed, short timeouts and a small size cap, a warehouse in tmp_path."""
    return Settings(
        home=tmp_path,
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty warehouse URL: SQLite in tmp_path, and (marked `postgres`) a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    return fresh_database(request.getfixturevalue("postgres_admin_url"))
