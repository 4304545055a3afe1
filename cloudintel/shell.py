"""The command line's plumbing: one place that turns expected failures into one line and an exit
code, the invocation's settings (read once, passed down), warehouse reads and option parsing."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from core.errors import CloudintelError, UsageError
from core.vocabulary import LEVELS
from flows.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlmodel import Session

T = TypeVar("T")
Format = StrEnum("Format", ["table", "json"])
Level = StrEnum("Level", list(LEVELS))
FormatOption = Annotated[Format, typer.Option("--format", help="table for people, json for scripts.")]
_SETTINGS: ContextVar[Settings | None] = ContextVar("settings", default=None)


class Shell(TyperGroup):
    """Turns every expected failure of every command into one line on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        token = _SETTINGS.set(None)  # each invocation reads its own
        try:
            return super().invoke(ctx)
        except CloudintelError as exc:
            typer.echo(f"cloudintel: {' '.join(str(exc).split())}", err=True)
            raise typer.Exit(1) from None
        finally:
            _SETTINGS.reset(token)


def settings() -> Settings:
    """The settings of this invocation: read from the environment once, checked, then passed down."""
    chosen = _SETTINGS.get()
    if chosen is None:
        chosen = load_settings()
        _SETTINGS.set(chosen)
    return chosen


def read(query: Callable[[Session], T]) -> T:
    """Run a read-only warehouse query."""
    from warehouse.engine import session_scope

    with session_scope(settings().warehouse_url) as session:
        return query(session)


def echo_json(value: object) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def day(value: str | None, option: str) -> str | None:
    """A YYYY-MM-DD option, checked."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date; use YYYY-MM-DD") from None
