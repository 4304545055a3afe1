"""The `cloudintel` command: a thin shell over flows/ and warehouse/.

Each command parses its options, calls one function of flows/ or warehouse/, and prints through
cloudintel/render.py. Query commands never import Prefect; `run`, `demo` and `schedule` do.
Machine output (`--format json`) goes to stdout and nothing else does; logs and progress go to stderr.
Exit codes: 0 done (even when some sources failed: they are recorded and reported), 1 an expected
failure (a `CloudintelError`: one line on stderr, turned so in one place, cloudintel/shell.py), 2 a
usage error (a value a command cannot use: Typer's own, or a `core.errors.UsageError`) with a hint.
Commands that only read the warehouse never create one.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from cloudintel import ledger_cli, orgs_cli, render
from cloudintel.alerts_cli import alerts_app
from cloudintel.model_cli import model_app
from cloudintel.shell import (
    Format,
    FormatOption,
    Level,
    Shell,
    day,
    echo_json,
    read,
    require_warehouse,
    settings,
    writing,
)
from core.errors import NotFound, TerminalError, UsageError
from core.vocabulary import EVENT_TYPES, STATUSES

if TYPE_CHECKING:
    from warehouse.runs import RunSummary

PACKAGE = Path(__file__).resolve().parent
DEFAULT_SOURCES = PACKAGE / "sources.yaml"
CORPUS = PACKAGE / "corpus"

app = typer.Typer(
    cls=Shell,
    help="Market intelligence for AI and cloud compute: who buys compute from whom, who builds, who cuts prices.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"cloudintel {version('cloudintel')}")
        raise typer.Exit()


@app.callback()
def main(
    _: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Market intelligence for AI and cloud compute: who buys compute from whom, who builds, who cuts prices."""


app.add_typer(model_app, name="model")
app.add_typer(alerts_app, name="alerts")

TimelineFormat = StrEnum("TimelineFormat", ["table", "json", "csv"])
ExportFormat = StrEnum("ExportFormat", ["csv", "json", "parquet"])
Order = StrEnum("Order", ["asc", "desc", "impact"])
EventType = StrEnum("EventType", list(EVENT_TYPES))
Status = StrEnum("Status", list(STATUSES))

SourcesOption = Annotated[
    Path, typer.Option("--sources", help="Sources file (YAML list of {name, kind, url}).", dir_okay=False)
]


@app.command()
def run(
    sources: SourcesOption = DEFAULT_SOURCES,
    output: FormatOption = Format.table,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run the tasks on Dask: a scheduler address (tcp://host:8786), or 'local' for a local "
            "cluster of --workers processes.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes of a local Dask cluster.")] = 2,
) -> None:
    """Run the daily pipeline once over the sources in PATH."""
    from flows.progress import showing_progress
    from flows.run import run_once

    config = settings()
    with showing_progress():  # a bar when stderr is a terminal
        summary = run_once(config, sources, None, dask, workers)
    _show_run(summary, output, config.alerts_max_age_days)


@app.command()
def demo(
    output: FormatOption = Format.table,
    corpus: Annotated[
        Path,
        typer.Option(help="A corpus folder laid out like the bundled one (sources.yaml, feeds/, pages/)."),
    ] = CORPUS,
) -> None:
    """Serve the bundled sample corpus on 127.0.0.1, run the pipeline on it once, and show what it stored."""
    from cloudintel.corpus_server import serve_corpus
    from flows.progress import showing_progress
    from flows.run import run_once

    if not (corpus / "sources.yaml").is_file():
        raise UsageError(
            f"{corpus}: no sources.yaml; --corpus takes a folder laid out like cloudintel/corpus"
        )
    served = settings().model_copy(update={"allow_loopback": True})  # the corpus is served on loopback
    if "alerts_max_age_days" not in served.model_fields_set:  # replay the archive's news as if new
        served = served.model_copy(update={"alerts_max_age_days": 0})
        typer.echo(
            "demo: alerting on events of any date (set CLOUDINTEL_ALERTS_MAX_AGE_DAYS to limit)", err=True
        )
    if served.organizations is None and (corpus / "organizations.yaml").is_file():
        served = served.model_copy(
            update={"organizations": corpus / "organizations.yaml"}
        )  # its fictional ones
    with serve_corpus(corpus) as base_url:
        typer.echo(f"corpus {corpus} served at {base_url}", err=True)
        with showing_progress():
            summary = run_once(served, corpus / "sources.yaml", base_url)
        _show_run(summary, output, served.alerts_max_age_days)
    if output is Format.table:
        documents(output=Format.table)
        typer.echo("")
        timeline(output=TimelineFormat.table)


def _show_run(summary: RunSummary, output: Format, max_age_days: int | None = None) -> None:
    from flows.report import summary_text

    if output is Format.json:
        echo_json(summary.to_dict())
    else:
        typer.echo(summary_text(summary, max_age_days))


@app.command()
def sources(output: FormatOption = Format.table) -> None:
    """List sources with their last fetch status and error."""
    from warehouse.sources import list_sources

    rows = read(list_sources)
    if output is Format.json:
        echo_json([asdict(row) for row in rows])
    else:
        typer.echo(render.sources_table(rows), err=not rows)


@app.command()
def documents(
    output: FormatOption = Format.table,
    status: Annotated[
        str | None, typer.Option(help="Only documents with this fetch status (ok, failed, duplicate).")
    ] = None,
) -> None:
    """List stored documents: publication date, status, title and URL."""
    from warehouse.listing import list_documents

    rows = read(lambda session: list_documents(session, status))
    if output is Format.json:
        echo_json(rows)
        return
    if rows:
        typer.echo(render.documents_table(rows))
    typer.echo(f"{len(rows)} documents", err=True)


PageFormat = StrEnum("PageFormat", ["jsonl", "text"])


@app.command()
def page(
    inputs: Annotated[
        list[str], typer.Argument(help="Local HTML files or http(s) URLs.", metavar="FILE_OR_URL...")
    ],
    output: Annotated[
        PageFormat, typer.Option("--format", help="jsonl for scripts, text for people.")
    ] = PageFormat.jsonl,
) -> None:
    """What the pipeline reads from each page: title, publication date and main text (a local file
    needs no network). Exits 1 when any input could not be read (its line says why)."""
    from flows.page_reader import read_pages

    failed = 0
    for record in read_pages(settings(), inputs):
        failed += "error" in record
        if output is PageFormat.jsonl:
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            typer.echo(render.page_text(record))
    if failed:
        raise typer.Exit(1)


@app.command()
def schedule(
    sources: SourcesOption = DEFAULT_SOURCES,
    cron: Annotated[str, typer.Option(help="Cron expression, UTC.")] = "0 6 * * *",
) -> None:
    """Keep the daily schedule on this machine: serve the pipeline as deployment
    daily-pipeline/cloudintel-schedule on the Prefect server of PREFECT_API_URL (environment or Prefect
    profile), or on one started on 127.0.0.1 for as long as this runs (docs/scheduling.md)."""
    from cloudintel.scheduling import serve_daily

    serve_daily(sources.resolve(), cron, settings())


@app.command()
def timeline(
    company: Annotated[
        list[str] | None, typer.Option("--company", help="A party (any alias: aws, Azure); repeatable.")
    ] = None,
    type_: Annotated[list[EventType] | None, typer.Option("--type", help="Event type; repeatable.")] = None,
    status: Annotated[list[Status] | None, typer.Option("--status", help="Event status; repeatable.")] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Events on or after this day: YYYY-MM-DD, or back from today: 30d, 12w, 6m, 1y."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Events on or before this day: YYYY-MM-DD, or back from today: 30d, 12w, 6m, 1y."),
    ] = None,
    min_impact: Annotated[
        Level | None, typer.Option("--min-impact", help="Only events at or above this level.")
    ] = None,
    include_dismissed: Annotated[
        bool,
        typer.Option(
            "--include-dismissed",
            help="Show events an analyst dismissed too (flagged in their analyst field).",
        ),
    ] = False,
    query_text: Annotated[
        str | None,
        typer.Option(
            "--query",
            help='Search titles, parties and evidence sentences, any case: every word (or "quoted phrase") '
            "must be found.",
        ),
    ] = None,
    order: Annotated[
        Order,
        typer.Option(
            "--order",
            help="asc: oldest first (the JSON contract's order), desc: newest first, impact: most important "
            "first (level, then size: dollars, megawatts, GPUs; then newest; never the score, which is "
            "the classifier's confidence).",
        ),
    ] = Order.asc,
    output: Annotated[
        TimelineFormat, typer.Option("--format", help="table, json (the documented contract) or csv.")
    ] = TimelineFormat.table,
) -> None:
    """The event timeline, oldest first (--order desc: newest first; impact: most important first).
    An event's impact score is the classifier's confidence in its level, not a measure of impact."""
    from warehouse.timeline import TimelineFilter, search_terms
    from warehouse.timeline import timeline as query

    orgs = settings().organization_index()
    where = TimelineFilter(
        companies=[orgs.canonical(c) for c in company or []],
        types=[t.value for t in type_ or []],
        statuses=[s.value for s in status or []],
        since=day(since, "--since"),
        until=day(until, "--until"),
        min_impact=min_impact.value if min_impact else None,
        query=query_text,
        include_dismissed=include_dismissed,
    )
    if query_text is not None and not search_terms(query_text):
        raise UsageError("--query has no words to search for")
    events = read(
        lambda session: query(
            session,
            where,
            judged_by=output is not TimelineFormat.json,
            order=order.value,
            facts=output is TimelineFormat.csv,
        )
    )
    if output is TimelineFormat.json:
        echo_json(events)
    elif output is TimelineFormat.csv:
        typer.echo(render.timeline_csv(events), nl=False)
    else:
        typer.echo(render.timeline_table(events))


class EventGroup(TyperGroup):
    """`cloudintel event ID` is `cloudintel event show ID`; `dismiss`, `edit`, `merge`, `split` and
    `undo` correct an event."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


event_app = typer.Typer(
    cls=EventGroup,
    no_args_is_help=True,
    help="Show an event (cloudintel event ID) or correct it: dismiss, edit, merge, split, undo. Corrections "
    "are stored apart from the events and survive re-extraction and re-runs.",
)
app.add_typer(event_app, name="event")

EventId = Annotated[str, typer.Argument(help="An event id from the timeline.", metavar="ID")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why: kept with the correction.")]


ByOption = Annotated[
    str | None, typer.Option("--by", help="Who corrects (default: your login name).", show_default=False)
]


@event_app.command("show")
def event(event_id: EventId, output: FormatOption = Format.table) -> None:
    """One event with every source and its evidence sentence (an event merged into another shows as it)."""
    from warehouse.timeline import event_detail

    found = read(lambda session: event_detail(session, event_id, judged_by=output is Format.table))
    if found is None:
        raise NotFound(f"no event {event_id!r}; list ids with `cloudintel timeline`")
    typer.echo(json.dumps(found, indent=2) if output is Format.json else render.event_text(found))


@event_app.command("dismiss")
def event_dismiss(event_id: EventId, note: NoteOption = None, by: ByOption = None) -> None:
    """Dismiss a wrong event: hidden everywhere (timeline --include-dismissed shows it); undo brings it back."""
    from warehouse.overrides import dismiss, login_name

    read(lambda session: dismiss(session, event_id, note, by or login_name()))
    typer.echo(f"{event_id}: dismissed", err=True)


@event_app.command("edit")
def event_edit(
    event_id: EventId,
    type_: Annotated[EventType | None, typer.Option("--type", help="The event's type.")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="The event's status.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="The event's day, YYYY-MM-DD.")] = None,
    parties: Annotated[
        str | None, typer.Option("--parties", help='Comma-separated parties (any alias): "OpenAI,AWS".')
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="A one-line summary.")] = None,
    amount_usd: Annotated[float | None, typer.Option("--amount-usd", help="Dollars: 38e9.")] = None,
    capacity_mw: Annotated[float | None, typer.Option("--capacity-mw", help="Megawatts.")] = None,
    gpus: Annotated[int | None, typer.Option("--gpus", help="Number of GPUs.")] = None,
    duration_years: Annotated[float | None, typer.Option("--duration-years", help="Years.")] = None,
    note: NoteOption = None,
    by: ByOption = None,
) -> None:
    """Correct an event's facts: they replace what the sources say, now and after every re-extraction."""
    from warehouse.overrides import edit, login_name

    edits: dict[str, Any] = {
        "type": type_.value if type_ else None,
        "status": status.value if status else None,
        "date": day(date, "--date") if date else None,
        "title": title,
        "amount_usd": amount_usd,
        "capacity_mw": capacity_mw,
        "gpus": gpus,
        "duration_years": duration_years,
    }
    if parties is not None:
        orgs = settings().organization_index()
        edits["parties"] = [orgs.canonical(p.strip()) for p in parties.split(",") if p.strip()]
    chosen = {k: v for k, v in edits.items() if v is not None}
    done = read(lambda session: edit(session, event_id, chosen, note, by or login_name()))
    typer.echo(
        f"{event_id}: edited {', '.join(sorted(chosen))} (edits now: {', '.join(sorted(done))})", err=True
    )


@event_app.command("merge")
def event_merge(
    event_id: EventId,
    into: Annotated[str, typer.Argument(help="The event it is part of.", metavar="INTO_ID")],
    note: NoteOption = None,
    by: ByOption = None,
) -> None:
    """Merge ID into INTO_ID: one event with both events' sources (ID is no longer listed)."""
    from warehouse.overrides import login_name, merge

    target = read(lambda session: merge(session, event_id, into, note, by or login_name()))
    typer.echo(f"{event_id}: merged into {target}", err=True)


@event_app.command("split")
def event_split(
    event_id: EventId,
    source: Annotated[str, typer.Option("--source", help="The URL of the source to move to a new event.")],
    note: NoteOption = None,
    by: ByOption = None,
) -> None:
    """Move one source of ID to a new event of its own (it stays there when re-extracted); prints its id."""
    from warehouse.overrides import login_name, split

    new_id = read(lambda session: split(session, event_id, source, note, by or login_name()))
    typer.echo(new_id)
    typer.echo(f"{event_id}: {source} split off into {new_id}", err=True)


@event_app.command("undo")
def event_undo(event_id: EventId) -> None:
    """Remove every correction of ID (dismissal, edits, merge, splits) and recompute it from its sources."""
    from warehouse.overrides import undo

    undone = read(lambda session: undo(session, event_id))
    typer.echo(f"{event_id}: undone {'; '.join(undone)}", err=True)


app.command()(ledger_cli.relationships)
app.command()(ledger_cli.exposure)
app.command()(orgs_cli.orgs)


@app.command()
def extract() -> None:
    """Re-extract events from every stored document (after an extractor or organization-list change)."""
    from flows.analysis import reextract

    done = reextract(settings())
    typer.echo(
        f"{done.documents} documents: {len(done.changes.new)} new events, {len(done.changes.changed)} changed, "
        f"{len(done.changes.removed)} removed",
        err=True,
    )


@app.command()
def score(
    gold: Annotated[
        Path, typer.Argument(help="gold.jsonl of a labelled corpus.", exists=True, dir_okay=False)
    ],
    timeline_file: Annotated[
        Path | None,
        typer.Option("--timeline", help="A `timeline --format json` file; default: the warehouse."),
    ] = None,
    alerts_file: Annotated[
        Path | None, typer.Option("--alerts", help="With --timeline: its run's `alerts --format json` file.")
    ] = None,
    output: FormatOption = Format.table,
) -> None:
    """Precision, recall and F1 (overall and per type), duplicates, fact, status and impact accuracy, and
    new-cloud-deal alert precision and recall, of the timeline against gold events."""
    from flows.scoring import score_timeline

    if timeline_file is None:
        require_warehouse()
    result = score_timeline(settings(), gold, timeline_file, alerts_file)
    typer.echo(json.dumps(result, indent=2) if output is Format.json else render.score_text(result))


@app.command()
def label(
    event_id: Annotated[str, typer.Argument(help="An event id from the timeline.")],
    impact: Annotated[Level, typer.Option("--impact", help="The analyst's impact level.")],
    themes: Annotated[
        str, typer.Option(help="Comma-separated themes: capacity, cost, resilience, competition, regulatory.")
    ] = "",
) -> None:
    """Record an analyst's impact label: it overrides the model everywhere and trains the next model."""
    from warehouse.labels import add_label

    chosen = [t.strip() for t in themes.split(",") if t.strip()]
    read(lambda session: add_label(session, event_id, impact.value, chosen))
    typer.echo(f"{event_id}: impact {impact.value} ({', '.join(chosen) or 'no themes'}) by analyst", err=True)


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the timeline page and the JSON API (docs at /docs). Loopback only, unless
    CLOUDINTEL_WEB_TOKEN is set: then every request needs the token; analyst corrections in the page
    (dismiss, edit, merge, split, undo) need the token always."""
    import uvicorn

    from cloudintel.web.app import create_app

    require_warehouse()
    application = create_app(settings(), host)
    guarded = " (token required)" if settings().web_token else ""
    typer.echo(
        f"cloudintel web on http://{host}:{port}/{guarded} (API docs at /docs); Ctrl-C stops", err=True
    )
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.", dir_okay=False)],
    since: Annotated[
        str | None,
        typer.Option(
            help="List events on or after this day as new: YYYY-MM-DD, or back from today: 30d, 6m."
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML report: the timeline picture, top events by impact, new events."""
    from cloudintel.web.report import render_report

    since_day = day(since, "--since")
    events = _whole_timeline()
    with writing(out):
        out.write_text(render_report(events, since_day), encoding="utf-8")
    typer.echo(f"{len(events)} events written to {out}", err=True)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="The file to write; - for stdout.", dir_okay=False)],
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="csv, json (the output contract plus judged_by, price_change_pct, first_seen, roles; "
            "analyst on corrected events) or parquet.",
        ),
    ] = ExportFormat.csv,
) -> None:
    """Export the whole timeline, oldest first, for your own tools: every fact, each source's URL and
    evidence sentence, who judged the impact (analyst or model), the price change, when the event
    was first seen, each party's role, and whether an analyst corrected it (analyst_edited; dismissed
    events are left out)."""
    from cloudintel.web.report import export as write

    events = _whole_timeline(facts=True)
    try:
        if str(out) == "-":
            _export_to_stdout(events, fmt)
        else:
            with writing(out):
                write(events, fmt.value, out)
    except ImportError:
        raise TerminalError("parquet export needs pyarrow: pip install 'cloudintel[parquet]'") from None
    typer.echo(f"{len(events)} events written to {'stdout' if str(out) == '-' else out}", err=True)


def _export_to_stdout(events: list[dict[str, Any]], fmt: ExportFormat) -> None:
    import sys
    import tempfile

    from cloudintel.web.report import export as write

    if fmt is ExportFormat.csv:
        typer.echo(render.timeline_csv(events), nl=False)
    elif fmt is ExportFormat.json:
        typer.echo(json.dumps(events, indent=2))
    else:  # binary: through a temporary file, as the Parquet writer wants a seekable one
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.parquet"
            write(events, fmt.value, path)
            sys.stdout.buffer.write(path.read_bytes())
            sys.stdout.buffer.flush()


def _whole_timeline(facts: bool = False) -> list[dict[str, Any]]:
    from warehouse.timeline import TimelineFilter, timeline

    return read(lambda session: timeline(session, TimelineFilter(), judged_by=facts, facts=facts))
