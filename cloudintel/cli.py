"""The `cloudintel` command: a thin shell over flows/ and warehouse/.

Query commands (sources, documents) never import Prefect; `run`, `demo` and `schedule` do.
Machine output (`--format json`) goes to stdout and nothing else does; logs and progress go to stderr.
Exit codes: 0 done (even when some sources failed: they are recorded and reported), 1 the run could
not proceed (unreadable config, unreachable database), 2 a usage error.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from cloudintel.errors import CloudintelError
from cloudintel.settings import Settings

if TYPE_CHECKING:
    from sqlmodel import Session

T = TypeVar("T")

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


class TimelineFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class EventType(StrEnum):
    partnership = "partnership"
    capacity = "capacity"
    pricing = "pricing"


class Status(StrEnum):
    announced = "announced"
    reported = "reported"
    in_talks = "in_talks"


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


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
    _run_pipeline(sources, None, output, dask, workers)


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

    if not (corpus / "sources.yaml").is_file():
        fail(f"{corpus}: no sources.yaml; --corpus takes a folder laid out like cloudintel/corpus")
    os.environ["CLOUDINTEL_ALLOW_LOOPBACK"] = "1"  # the corpus is served on loopback
    with serve_corpus(corpus) as base_url:
        typer.echo(f"corpus {corpus} served at {base_url}", err=True)
        _run_pipeline(corpus / "sources.yaml", base_url, output)
    if output is Format.table:
        documents(output=Format.table)
        typer.echo("")
        timeline(output=TimelineFormat.table)


def _run_pipeline(
    sources: Path, base_url: str | None, output: Format, dask: str | None = None, workers: int = 2
) -> None:
    settings = _settings()
    try:
        from cloudintel.sources_file import load_sources
        from flows.alerting.rules import load_alert_config
        from warehouse.engine import get_engine

        load_sources(sources, base_url)  # refuse a bad file before starting Prefect
        load_alert_config(settings.alerts_file, settings.organization_index())
        get_engine(settings.warehouse_url)
    except CloudintelError as exc:
        fail(str(exc))
    from flows.daily import daily_pipeline, with_dask
    from flows.report import summary_text
    from warehouse.locks import run_lock
    from warehouse.runs import RunSummary

    pipeline = with_dask(None if dask == "local" else dask, workers) if dask else daily_pipeline
    try:
        with run_lock(get_engine(settings.warehouse_url)):  # refuse a concurrent run before starting Prefect
            result = pipeline(sources=str(sources), base_url=base_url)
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
        if row.backoff_until:
            failures += f"; backing off until {row.backoff_until[:16]}"
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


@app.command()
def timeline(
    company: Annotated[
        list[str] | None, typer.Option("--company", help="A party (any alias: aws, Azure); repeatable.")
    ] = None,
    type_: Annotated[list[EventType] | None, typer.Option("--type", help="Event type; repeatable.")] = None,
    status: Annotated[list[Status] | None, typer.Option("--status", help="Event status; repeatable.")] = None,
    since: Annotated[str | None, typer.Option(help="Events on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before this day (YYYY-MM-DD).")] = None,
    min_impact: Annotated[
        Level | None, typer.Option("--min-impact", help="Only events at or above this level.")
    ] = None,
    output: Annotated[
        TimelineFormat, typer.Option("--format", help="table, json (the documented contract) or csv.")
    ] = TimelineFormat.table,
) -> None:
    """The event timeline, oldest first."""
    from cloudintel.render import timeline_csv, timeline_table
    from warehouse.timeline import TimelineFilter
    from warehouse.timeline import timeline as query

    where = TimelineFilter(
        companies=[_company(c) for c in company or []],
        types=[t.value for t in type_ or []],
        statuses=[s.value for s in status or []],
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        min_impact=min_impact.value if min_impact else None,
    )
    events = _query(lambda session: query(session, where, judged_by=output is TimelineFormat.table))
    if output is TimelineFormat.json:
        typer.echo(json.dumps(events, indent=2))
    elif output is TimelineFormat.csv:
        typer.echo(timeline_csv(events), nl=False)
    else:
        typer.echo(timeline_table(events))


@app.command()
def event(
    event_id: Annotated[str, typer.Argument(help="An event id from the timeline.")],
    output: FormatOption = Format.table,
) -> None:
    """One event with every source and its evidence sentence."""
    from cloudintel.render import event_text
    from warehouse.timeline import event_detail

    found = _query(lambda session: event_detail(session, event_id, judged_by=output is Format.table))
    if found is None:
        fail(f"no event {event_id!r}; list ids with `cloudintel timeline`")
    typer.echo(json.dumps(found, indent=2) if output is Format.json else event_text(found))


@app.command()
def relationships(
    company: Annotated[str, typer.Argument(help="A company (any alias).")],
    output: FormatOption = Format.table,
) -> None:
    """Each counterparty of COMPANY and the events between them, in order."""
    from cloudintel.render import relationships_text
    from warehouse.timeline import relationships as query

    name = _company(company)
    found = _query(lambda session: query(session, name))
    if output is Format.json:
        typer.echo(json.dumps(found, indent=2))
    else:
        typer.echo(relationships_text(name, found))


@app.command()
def extract() -> None:
    """Re-extract events from every stored document (after an extractor or organization-list change)."""
    from flows.analysis import all_document_ids, classify_events, extract_events
    from models.judge import ImpactJudge

    settings = _settings()
    try:
        orgs = settings.organization_index()
        ids = all_document_ids(settings.warehouse_url)
        changes = extract_events(settings.warehouse_url, ids, orgs)
        judge = ImpactJudge.load(settings.model_folder, orgs)
        classify_events(settings.warehouse_url, changes.new + changes.changed, judge)
    except CloudintelError as exc:
        fail(str(exc))
    typer.echo(
        f"{len(ids)} documents: {len(changes.new)} new events, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed",
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
    output: FormatOption = Format.table,
) -> None:
    """Event precision, recall, F1, duplicates and fact accuracy of the timeline against gold events."""
    from extractors.scoring import score as compare
    from warehouse.timeline import TimelineFilter
    from warehouse.timeline import timeline as query

    expected = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    if timeline_file is not None:
        predicted = json.loads(timeline_file.read_text(encoding="utf-8"))
    else:
        predicted = _query(lambda session: query(session, TimelineFilter()))
    result = compare(predicted, expected).to_dict()
    if output is Format.json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(
        f"events: precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"({result['matched']} of {result['gold']} gold, {result['predicted']} predicted, "
        f"{result['duplicates']} duplicates)"
    )
    facts = "  ".join(f"{k} {v:.2f}" for k, v in result["fact_accuracy_by_field"].items())
    typer.echo(f"facts: accuracy {result['fact_accuracy']:.3f}  ({facts})")
    typer.echo(f"impact: level accuracy {result['level_accuracy']:.3f} on matched events")
    for label in ("misses", "spurious", "wrong_facts"):
        for item in result[label]:
            typer.echo(f"  {label[:-1] if label != 'misses' else 'miss'}: {item}")


def _query(run: Callable[[Session], T]) -> T:
    """Run a read-only warehouse query; a warehouse that cannot be opened is a one-line error."""
    from warehouse.engine import session_scope

    try:
        with session_scope(_settings().warehouse_url) as session:
            return run(session)
    except CloudintelError as exc:
        fail(str(exc))


def _company(name: str) -> str:
    try:
        index = _settings().organization_index()
    except CloudintelError as exc:
        fail(str(exc))
    org = index.resolve(name)
    if org is None:
        hint = difflib.get_close_matches(name, index.names, n=3, cutoff=0.6)
        fail(
            f"unknown company {name!r}"
            + (f"; did you mean {', '.join(hint)}?" if hint else "; add it to organizations.yaml")
        )
    return org.name


def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        fail(f"{option} {value!r} is not a date; use YYYY-MM-DD")


model_app = typer.Typer(help="Train, evaluate and apply the impact classifier.", no_args_is_help=True)
app.add_typer(model_app, name="model")
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Labelled events (JSONL); default: models/data/impact_events.jsonl."),
]


@model_app.command("train")
def model_train(data: DataOption = None, output: FormatOption = Format.table) -> None:
    """Fit the impact model on the training split plus analyst labels; save it with its card."""
    from models.artifacts import save
    from models.training import DATA, evaluate, example, load_examples, train
    from warehouse.labels import analyst_rows

    settings = _settings()
    try:
        orgs = settings.organization_index()
        examples, data_hash = load_examples(data or DATA)
        labelled = [example(row) for row in _query(analyst_rows)]
        model, seconds = train(examples + labelled, orgs)
        test = [e for e in examples if e.split == "test"]
        metrics = evaluate(model, test, orgs)
        metrics.update(
            training_seconds=round(seconds, 2),
            analyst_labels=len(labelled),
            training_examples=len(examples) - len(test) + len(labelled),
        )
        card = save(model, settings.model_folder, data_hash, _compact(metrics))
    except CloudintelError as exc:
        fail(str(exc))
    if output is Format.json:
        typer.echo(json.dumps(card, indent=2))
        return
    typer.echo(
        f"model {card['version']} saved in {settings.model_folder} ({seconds:.1f} s to train on "
        f"{metrics['training_examples']} events, {len(labelled)} of them analyst labels)"
    )
    _print_metrics(metrics)


@model_app.command("evaluate")
def model_evaluate(data: DataOption = None, output: FormatOption = Format.table) -> None:
    """Classification report, confusion matrix, per-theme F1 and calibration on the held-out split,
    with the rule baseline beside the model, and agreement with analyst labels."""
    from models.artifacts import ModelUnavailable, load
    from models.training import DATA, evaluate, example, load_examples
    from warehouse.labels import analyst_rows

    settings = _settings()
    try:
        orgs = settings.organization_index()
        examples, _ = load_examples(data or DATA)
        try:
            model, card = load(settings.model_folder)
        except ModelUnavailable as exc:
            typer.echo(f"cloudintel: {exc}; showing the rule baseline only", err=True)
            model, card = None, {"version": None}
        metrics = evaluate(model, [e for e in examples if e.split == "test"], orgs)
        labelled = [example(row) for row in _query(analyst_rows)]
        if labelled:
            metrics["analyst_labels"] = evaluate(model, labelled, orgs)
    except CloudintelError as exc:
        fail(str(exc))
    metrics["model_version"] = card["version"]
    if output is Format.json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    typer.echo(f"model {card['version']} on {metrics['examples']} held-out events")
    _print_metrics(metrics)
    if "analyst_labels" in metrics:
        typer.echo(f"\nagainst {metrics['analyst_labels']['examples']} analyst labels:")
        _print_metrics(metrics["analyst_labels"], reports=False)


@model_app.command("rescore")
def model_rescore() -> None:
    """Re-score every stored event with the current model (analyst labels stay)."""
    from flows.analysis import classify_events
    from models.judge import ImpactJudge
    from warehouse.labels import all_event_ids

    settings = _settings()
    try:
        judge = ImpactJudge.load(settings.model_folder, settings.organization_index())
        if judge.problem:
            typer.echo(
                f"cloudintel: {judge.problem}; scoring with the rule baseline ({judge.version})", err=True
            )
        count = classify_events(settings.warehouse_url, _query(all_event_ids), judge)
    except CloudintelError as exc:
        fail(str(exc))
    typer.echo(f"{count} events re-scored with {judge.version}", err=True)


@app.command()
def label(
    event_id: Annotated[str, typer.Argument(help="An event id from the timeline.")],
    impact: Annotated[Level, typer.Option("--impact", help="The analyst's impact level.")],
    themes: Annotated[
        str, typer.Option(help="Comma-separated themes: capacity, cost, resilience, competition, regulatory.")
    ] = "",
) -> None:
    """Record an analyst's impact label: it overrides the model everywhere and trains the next model."""
    from models.impact_model import THEMES
    from warehouse.labels import add_label

    chosen = [t.strip() for t in themes.split(",") if t.strip()]
    unknown = [t for t in chosen if t not in THEMES]
    if unknown:
        fail(f"unknown theme {unknown[0]!r}; themes are {', '.join(THEMES)}")
    _query(lambda session: add_label(session, event_id, impact.value, chosen))
    typer.echo(f"{event_id}: impact {impact.value} ({', '.join(chosen) or 'no themes'}) by analyst", err=True)


def _compact(metrics: dict[str, Any]) -> dict[str, Any]:
    """Metrics for the model card: without the long text reports."""
    return {
        k: ({kk: vv for kk, vv in v.items() if kk != "classification_report"} if isinstance(v, dict) else v)
        for k, v in metrics.items()
    }


def _print_metrics(metrics: dict[str, Any], reports: bool = True) -> None:
    for name in ("model", "rules"):
        if name not in metrics:
            continue
        m = metrics[name]
        typer.echo(
            f"{name:>6}: level accuracy {m['level_accuracy']:.3f}, macro-F1 {m['level_macro_f1']:.3f}, "
            f"themes micro-F1 {m['themes_micro_f1']:.3f}  "
            + " ".join(f"{t}={f:.2f}" for t, f in m["theme_f1"].items())
        )
        if reports:
            typer.echo(
                "        confusion (rows true, columns predicted; high, medium, low): "
                f"{m['confusion_matrix']['rows_true_columns_predicted']}"
            )
            typer.echo(
                "\n".join("        " + line for line in m["classification_report"].splitlines() if line)
            )
        if "calibration" in m:
            bins = ", ".join(
                f"{b['confidence']}: {b['events']} at {b['accuracy']:.2f}"
                for b in m["calibration"]["reliability"]
            )
            typer.echo(f"        calibration: Brier {m['calibration']['brier']}; reliability {bins}")


alerts_app = typer.Typer(help="Alerts fired on new events, their delivery, and channel tests.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback(invoke_without_command=True)
def alerts(ctx: typer.Context, output: FormatOption = Format.table) -> None:
    """List the alerts fired so far, oldest first, with delivery status per channel."""
    if ctx.invoked_subcommand is not None:
        return
    from cloudintel.render import alerts_table
    from warehouse.alerts import alerts_json

    rows = _query(alerts_json)
    if output is Format.json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        typer.echo(alerts_table(rows))


@alerts_app.command("test")
def alerts_test(
    channel: Annotated[str, typer.Argument(help="A channel name from the alerts file, or log / jsonl.")],
) -> None:
    """Send a test message to one channel."""
    from flows.alerting.channels import deliver
    from flows.alerting.rules import BUILT_IN_CHANNELS, load_alert_config

    settings = _settings()
    try:
        config = load_alert_config(settings.alerts_file, settings.organization_index())
    except CloudintelError as exc:
        fail(str(exc))
    if channel not in config.channels and channel not in BUILT_IN_CHANNELS:
        fail(
            f"no channel {channel!r} in {settings.alerts_file}; channels: {', '.join([*BUILT_IN_CHANNELS, *config.channels])}"
        )
    title, body = "[cloudintel] test message", "If you can read this, cloudintel alerts reach this channel."
    result = deliver(
        channel,
        config.channels.get(channel),
        title,
        body,
        {"test": True, "title": title},
        settings.alerts_log,
        os.environ,
    )
    if not result.ok:
        fail(result.error or "delivery failed")
    typer.echo(f"test message delivered to {channel}", err=True)


@alerts_app.command("retry")
def alerts_retry() -> None:
    """Re-send every alert channel that has not been delivered yet."""
    from flows.alerting.outbox import deliver_pending
    from flows.alerting.rules import load_alert_config

    settings = _settings()
    try:
        config = load_alert_config(settings.alerts_file, settings.organization_index())
        counts = deliver_pending(settings.warehouse_url, config, settings.alerts_log, os.environ)
    except CloudintelError as exc:
        fail(str(exc))
    typer.echo(f"{counts.delivered} deliveries succeeded, {counts.failed} failed", err=True)
    if counts.failed:
        raise typer.Exit(1)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    parquet = "parquet"


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the timeline page and the JSON API (read-only; docs at /docs)."""
    import uvicorn

    from cloudintel.web.app import create_app

    try:
        application = create_app(_settings())
    except CloudintelError as exc:
        fail(str(exc))
    typer.echo(f"cloudintel web on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.", dir_okay=False)],
    since: Annotated[
        str | None, typer.Option(help="List events on or after this day as new (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Write a self-contained HTML report: the timeline picture, top events by impact, new events."""
    from cloudintel.web.report import render_report
    from warehouse.timeline import TimelineFilter
    from warehouse.timeline import timeline as query

    events = _query(lambda session: query(session, TimelineFilter()))
    out.write_text(render_report(events, _day(since, "--since")), encoding="utf-8")
    typer.echo(f"{len(events)} events written to {out}", err=True)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="The file to write.", dir_okay=False)],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv, json (the output contract) or parquet.")
    ] = ExportFormat.csv,
) -> None:
    """Export the whole timeline to a file for your own tools."""
    from cloudintel.web.report import export as write
    from warehouse.timeline import TimelineFilter
    from warehouse.timeline import timeline as query

    events = _query(lambda session: query(session, TimelineFilter()))
    try:
        write(events, fmt.value, out)
    except ImportError:
        fail("parquet export needs pyarrow: pip install 'cloudintel[parquet]'")
    typer.echo(f"{len(events)} events written to {out}", err=True)
