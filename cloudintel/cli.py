"""The `cloudintel` command: a thin shell over flows/ and warehouse/.

Query commands (sources, documents) never import Prefect; `run`, `demo` and `schedule` do.
Machine output (`--format json`) goes to stdout and nothing else does; logs and progress go to stderr.
Exit codes: 0 done (even when some sources failed: they are recorded and reported), 1 the run could
not proceed (unreadable config, unreachable database), 2 a usage error.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from cloudintel.errors import CloudintelError
from cloudintel.settings import Settings

PACKAGE = Path(__file__).resolve().parent
DEFAULT_SOURCES = PACKAGE / "sources.yaml"
CORPUS = PACKAGE / "corpus"

app = typer.Typer(
    help="Market intelligence for AI and cloud compute: who buys compute from whom, who builds, who cuts prices.",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    table = "table"
    json = "json"


SourcesOption = Annotated[
    Path, typer.Option("--sources", help="Sources file (YAML list of {name, kind, url}).", dir_okay=False)
]
FormatOption = Annotated[Format, typer.Option("--format", help="table for people, json for scripts.")]


def fail(message: str) -> NoReturn:
    """Print a one-line reason on stderr and exit 1."""
    typer.echo(f"cloudintel: {' '.join(message.split())}", err=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:
        fail(f"bad CLOUDINTEL_* environment setting: {exc}")


@app.command()
def run(
    sources: SourcesOption = DEFAULT_SOURCES,
    output: FormatOption = Format.table,
) -> None:
    """Run the daily pipeline once over the sources in PATH."""
    _run_pipeline(sources, None, output)


@app.command()
def demo(output: FormatOption = Format.table) -> None:
    """Serve the bundled sample corpus on 127.0.0.1, run the pipeline on it once, and show what it stored."""
    from cloudintel.corpus_server import serve_corpus

    os.environ["CLOUDINTEL_ALLOW_LOOPBACK"] = "1"  # the corpus is served on loopback
    with serve_corpus(CORPUS) as base_url:
        typer.echo(f"sample corpus served at {base_url}", err=True)
        _run_pipeline(CORPUS / "sources.yaml", base_url, output)
    if output is Format.table:
        documents(output=Format.table)


def _run_pipeline(sources: Path, base_url: str | None, output: Format) -> None:
    settings = _settings()
    try:
        from cloudintel.sources_file import load_sources
        from warehouse.engine import get_engine

        load_sources(sources, base_url)  # refuse a bad file before starting Prefect
        get_engine(settings.warehouse_url)
    except CloudintelError as exc:
        fail(str(exc))
    from flows.daily import daily_pipeline
    from flows.report import summary_text
    from warehouse.runs import RunSummary

    try:
        result = daily_pipeline(sources=str(sources), base_url=base_url)
    except CloudintelError as exc:
        fail(str(exc))
    if output is Format.json:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        typer.echo(summary_text(RunSummary(**result)))  # type: ignore[arg-type]


@app.command()
def sources(output: FormatOption = Format.table) -> None:
    """List sources with their last fetch status and error."""
    from warehouse.engine import session_scope
    from warehouse.sources import list_sources

    try:
        with session_scope(_settings().warehouse_url) as session:
            rows = list_sources(session)
    except CloudintelError as exc:
        fail(str(exc))
    if output is Format.json:
        typer.echo(json.dumps([asdict(row) for row in rows], indent=2))
        return
    if not rows:
        typer.echo("no sources yet: run `cloudintel run --sources PATH` first", err=True)
    for row in rows:
        status = row.last_status or "never"
        failures = f" ({row.consecutive_failures} failures in a row)" if row.consecutive_failures > 1 else ""
        typer.echo(f"{row.name:<28} {row.kind:<9} {status:<13} {row.documents:>4} docs  {row.url}{failures}")
        if row.last_error:
            typer.echo(f"    ! {row.last_error}")


@app.command()
def documents(
    output: FormatOption = Format.table,
    status: Annotated[
        str | None, typer.Option(help="Only documents with this fetch status (ok, failed, duplicate).")
    ] = None,
) -> None:
    """List stored documents: publication date, status, title and URL."""
    from warehouse.engine import session_scope
    from warehouse.listing import list_documents

    try:
        with session_scope(_settings().warehouse_url) as session:
            rows = list_documents(session, status)
    except CloudintelError as exc:
        fail(str(exc))
    if output is Format.json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    for row in rows:
        date = (row["published_at"] or "")[:10] or "?"
        label = row["title"] or row["error"] or ""
        typer.echo(f"{date:<10}  {row['status']:<9} {row['source'] or '':<26} {_plain(label)[:90]}")
    typer.echo(f"{len(rows)} documents", err=True)


def _plain(text: str) -> str:
    """Article text made safe for a terminal: control characters dropped."""
    return "".join(ch for ch in text if ch.isprintable())


@app.command()
def schedule(
    sources: SourcesOption = DEFAULT_SOURCES,
    cron: Annotated[str, typer.Option(help="Cron expression, UTC.")] = "0 6 * * *",
) -> None:
    """Keep the daily schedule on this machine: serve the pipeline on a Prefect server (started if needed)."""
    from cloudintel.scheduling import serve_daily

    try:
        serve_daily(sources.resolve(), cron, _settings())
    except CloudintelError as exc:
        fail(str(exc))
