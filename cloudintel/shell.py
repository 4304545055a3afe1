"""The command line's plumbing: one place that turns expected failures into one line and an exit
code, the invocation's settings (read once, passed down), warehouse reads and option parsing.

Exit codes: 2 for a usage error (a value the command cannot use: a bad date, an unknown company;
Click's own usage errors exit 2 too), with a hint naming the command's help; 1 for every other expected
failure (`CloudintelError`), as one line on stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from core.errors import CloudintelError, TerminalError, UsageError
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
    """Turns every expected failure of every command into one line on stderr: exit code 2 for a usage
    error (with a hint: the command's help), 1 for the others."""

    def invoke(self, ctx: Any) -> Any:
        token = _SETTINGS.set(None)  # each invocation reads its own
        command = self._command_path(ctx)  # before Click consumes the arguments
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            typer.echo(f"cloudintel: {' '.join(str(exc).split())} (see '{command} -h')", err=True)
            raise typer.Exit(2) from None
        except CloudintelError as exc:
            typer.echo(f"cloudintel: {' '.join(str(exc).split())}", err=True)
            raise typer.Exit(1) from None
        finally:
            _SETTINGS.reset(token)

    def _command_path(self, ctx: Any) -> str:
        """'cloudintel timeline', 'cloudintel model rescore': the (sub)command the arguments name."""
        words, group = [ctx.command_path], self
        for arg in [*getattr(ctx, "_protected_args", []), *ctx.args]:
            found = group.get_command(ctx, arg) if hasattr(group, "get_command") else None
            if found is None:
                break
            words.append(arg)
            group = found
        return " ".join(words)


def settings() -> Settings:
    """The settings of this invocation: read from the environment once, checked, then passed down."""
    chosen = _SETTINGS.get()
    if chosen is None:
        chosen = load_settings()
        _SETTINGS.set(chosen)
    return chosen


def read(query: Callable[[Session], T]) -> T:
    """Run a query on the warehouse, which must exist: a command that only reads never creates one
    (a mistyped URL or missing file is one line naming the URL, password masked)."""
    from warehouse.engine import session_scope

    with session_scope(settings().warehouse_url, create=False) as session:
        return query(session)


def require_warehouse() -> None:
    """For read-only commands that open the warehouse elsewhere: refuse unless it exists (see `read`)."""
    from warehouse.engine import check_exists

    check_exists(settings().warehouse_url)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Writing an output file: a folder that does not exist, a permission or a full disk is one line."""
    try:
        yield
    except OSError as exc:
        raise TerminalError(f"cannot write {path}: {exc.strerror or exc}") from None


def echo_json(value: object) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


RELATIVE_DAY = re.compile(r"(\d{1,5})([dwmy])")


def day(value: str | None, option: str, today: date | None = None) -> str | None:
    """A day option, checked: YYYY-MM-DD, or a span back from today (UTC): 30d, 12w, 6m, 1y."""
    if value is None:
        return None
    relative = RELATIVE_DAY.fullmatch(value.strip().lower())
    if relative:
        return days_ago(int(relative.group(1)), relative.group(2), today or datetime.now(UTC).date())
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date; use YYYY-MM-DD or a span back from today (30d, 12w, 6m, 1y)"
        ) from None


def days_ago(count: int, unit: str, today: date) -> str:
    """The day `count` days, weeks, months or years before `today` (a month back from 31 March is the
    last day of February)."""
    if unit in "dw":
        try:
            return (today - timedelta(days=count * (7 if unit == "w" else 1))).isoformat()
        except OverflowError:
            return date.min.isoformat()
    months = today.year * 12 + today.month - 1 - count * (12 if unit == "y" else 1)
    year, month = divmod(months, 12)
    if year < 1:
        return date.min.isoformat()
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(today.day, (following - timedelta(days=1)).day)).isoformat()
