"""Schema changes go through Alembic migrations (warehouse/migrations); the warehouse is brought to
the newest revision when it is opened, under a lock so that two processes starting at once do not
migrate together."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from warehouse.locks import MIGRATION_LOCK, exclusive

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config() -> Config:
    """An Alembic configuration without an ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the warehouse to `revision` (default: the newest)."""
    cfg = config()
    with exclusive(engine, MIGRATION_LOCK, ".migrate.lock", wait=True), engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
