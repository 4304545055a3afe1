"""The daily pipeline as a Prefect flow: ingest → extract → classify → store → alert.

Tasks are per batch of sources (read feeds) and per batch of articles (fetch + main-text extraction, store;
event extraction; classification), never per document: a Prefect task run costs milliseconds, a
page only a few. The order of the steps is in `flows/pipeline.py`, the steps in `flows/steps.py`.
"""

from __future__ import annotations

from pathlib import Path

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from cloudintel.settings import Settings
from cloudintel.sources_file import load_sources
from flows import steps
from flows.alerting.rules import load_alert_config
from flows.pipeline import Steps, run_pipeline
from flows.report import summary_markdown

read_sources_task = task(name="read-sources", cache_policy=NO_CACHE)(steps.read_sources_step)
fetch_batch_task = task(name="fetch-extract-batch", cache_policy=NO_CACHE)(steps.fetch_batch_step)
store_batch_task = task(name="store-batch", cache_policy=NO_CACHE)(steps.store_batch_step)
extract_task = task(name="extract-events-batch", cache_policy=NO_CACHE)(steps.extract_step)
classify_task = task(name="classify-batch", cache_policy=NO_CACHE)(steps.classify_step)
alerts_task = task(name="alerts", cache_policy=NO_CACHE)(steps.alerts_step)

PREFECT_STEPS = Steps(
    read_sources_task.submit,
    fetch_batch_task.submit,
    store_batch_task.submit,
    extract_task.submit,
    classify_task.submit,
    alerts_task.submit,
)


def with_dask(address: str | None = None, workers: int = 2) -> Flow[..., dict[str, object]]:
    """The same flow on Prefect's Dask task runner: a scheduler at `address`
    (tcp://host:8786), or a local cluster of `workers` processes."""
    from prefect_dask import DaskTaskRunner

    runner = (
        DaskTaskRunner(address=address)
        if address
        else DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 2, "processes": True})
    )
    return daily_pipeline.with_options(task_runner=runner)


@flow(name="daily-pipeline", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)
def daily_pipeline(sources: str, base_url: str | None = None) -> dict[str, object]:
    """Run the whole pipeline once over the sources file; returns the run summary as a dict.

    `base_url` replaces the `{{BASE}}` placeholder of the bundled corpus's sources file.
    Settings come from `CLOUDINTEL_*` environment variables (the flow is an entry point of its own
    when a deployment runs it).
    """
    settings = Settings()
    specs = load_sources(Path(sources), base_url)
    load_alert_config(settings.alerts_file, settings.organization_index())  # a typo fails now, not later
    summary = run_pipeline(specs, settings, PREFECT_STEPS, get_run_logger())
    create_markdown_artifact(
        key="daily-pipeline-summary", markdown=summary_markdown(summary), description="cloudintel run summary"
    )
    return summary.to_dict()
