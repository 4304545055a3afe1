"""Open the warehouse: SQLite by default (a file under CLOUDINTEL_HOME), PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from core.errors import WarehouseError
from warehouse import schema  # noqa: F401  (registers the tables)
from warehouse.migrate import upgrade

T = TypeVar("T")


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL and process, migrated to the newest schema; raises `WarehouseError` if unusable."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WarehouseError(f"cannot read the database URL ({exc}); check CLOUDINTEL_DATABASE_URL") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise WarehouseError(f"cannot open the database ({exc}); check CLOUDINTEL_DATABASE_URL") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        upgrade(engine)
    except OperationalError as exc:
        raise WarehouseError(
            f"cannot open the warehouse at {parsed.render_as_string(hide_password=True)} "
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
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
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
