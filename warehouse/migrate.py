"""Schema changes go through Alembic migrations (warehouse/migrations); the warehouse is brought to
the newest revision when it is opened. On PostgreSQL an advisory lock keeps two workers that start
at once from migrating together."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_KEY = 7_240_317  # any constant shared by every cloudintel process


def config() -> Config:
    """An Alembic configuration without an ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the warehouse to `revision` (default: the newest)."""
    cfg = config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
