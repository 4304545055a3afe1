"""Open the warehouse: SQLite by default (a file under CLOUDINTEL_HOME), PostgreSQL by URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from core.errors import WarehouseError
from warehouse import schema  # noqa: F401  (registers the tables)
from warehouse.migrate import upgrade

T = TypeVar("T")


IN_LIST = 500  # values in one SQL "IN (...)": far below SQLite's and PostgreSQL's parameter limits


def chunks(values: Sequence[T], size: int = IN_LIST) -> Iterator[list[T]]:
    """`values` a slice at a time, for queries with an "IN (...)" list."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def masked(url: str) -> str:
    """The URL as it may be shown: any password replaced by ***, even when the URL does not parse."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def check_exists(url: str) -> None:
    """Raise `WarehouseError` naming the (masked) URL unless it names a warehouse that exists: for
    SQLite, a file on disk; for a server database, one that holds the warehouse's tables (read-only
    commands never create either)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise WarehouseError(
            f"cannot read the database URL {masked(url)}; check CLOUDINTEL_DATABASE_URL"
        ) from None
    if parsed.get_backend_name() != "sqlite":
        _check_tables(url)
        return
    _check_sqlite(parsed)
    if not parsed.database or parsed.database == ":memory:":
        raise WarehouseError(
            f"no warehouse at {masked(url)} (an in-memory database is empty); check CLOUDINTEL_DATABASE_URL"
        )
    if not Path(parsed.database).expanduser().is_file():
        raise WarehouseError(
            f"no warehouse at {masked(url)}: {parsed.database} does not exist; check "
            "CLOUDINTEL_DATABASE_URL and CLOUDINTEL_HOME, or run `cloudintel run` first"
        )


def _check_tables(url: str) -> None:
    """A server database (PostgreSQL) must hold a cloudintel warehouse already: one connection, no
    migration, nothing created."""
    try:
        probe = create_engine(url, poolclass=NullPool)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise WarehouseError(
            f"cannot open the database {masked(url)} ({exc}); check CLOUDINTEL_DATABASE_URL"
        ) from None
    try:
        with probe.connect() as connection:
            found = inspect(connection).has_table("alembic_version")
    except OperationalError as exc:
        raise WarehouseError(
            f"cannot open the warehouse at {masked(url)} "
            f"({exc.orig}); check CLOUDINTEL_DATABASE_URL and that the database is running"
        ) from None
    finally:
        probe.dispose()
    if not found:
        raise WarehouseError(
            f"no warehouse at {masked(url)}: the database holds no cloudintel tables; check "
            "CLOUDINTEL_DATABASE_URL, or run `cloudintel run` first"
        )


def _check_sqlite(parsed: URL) -> None:
    """A SQLite URL with a host part (sqlite://file.db, two slashes) opens an empty in-memory database."""
    if parsed.host:
        raise WarehouseError(
            f"the database URL {parsed.render_as_string(hide_password=True)} has a host part: a SQLite file "
            "is sqlite:///relative/path.db or sqlite:////absolute/path.db; check CLOUDINTEL_DATABASE_URL"
        )


def get_engine(url: str, create: bool = True) -> Engine:
    """One engine per URL and process, migrated to the newest schema; raises `WarehouseError` if unusable.
    With `create=False` (read-only commands) a SQLite file that does not exist is an error, not a new
    warehouse."""
    if not create:
        check_exists(url)
    return _engine(url)


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise WarehouseError(
            f"cannot read the database URL {masked(url)}; check CLOUDINTEL_DATABASE_URL"
        ) from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite(parsed)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise WarehouseError(
            f"cannot open the database {masked(url)} ({exc}); check CLOUDINTEL_DATABASE_URL"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        upgrade(engine)
    except OperationalError as exc:
        raise WarehouseError(
            f"cannot open the warehouse at {masked(url)} "
            f"({exc.orig}); check CLOUDINTEL_DATABASE_URL and that the database is running"
        ) from exc
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: a crashed process loses nothing committed
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def session_scope(url: str, create: bool = True) -> Iterator[Session]:
    """A session that commits on success and rolls back on error; `create=False` for read-only
    commands (see `get_engine`)."""
    with Session(get_engine(url, create), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def write(database_url: str, work: Callable[[Session], T], attempts: int = 3) -> T:
    """Run `work` in one transaction; when a run writing at the same time inserted the same row
    first (a unique constraint fires), roll back and run it again: it then finds that row."""
    for attempt in range(attempts):
        try:
            with session_scope(database_url) as session:
                return work(session)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
