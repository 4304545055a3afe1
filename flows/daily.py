"""The daily pipeline as a Prefect flow: ingest → extract → classify → store → alert.

Tasks are per group of sources (read feeds) and per batch of articles (fetch + main-text extraction);
event extraction and classification are one task each (sequential by nature), never per document:
a Prefect task run costs 5-30 ms all in, a page's main text ~10 ms. Storing a batch runs in the
flow's own thread, between fetch tasks: it is sequential by design (one writer, batches in order)
and ~80 ms of work, to which a task would add a third (docs/benchmarks.md, "Batch sizes").
The order of the steps is in `flows/pipeline.py`, the steps in `flows/steps.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from prefect import Flow, Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import opaque

from flows import steps
from flows.pipeline import Steps, in_this_thread, run_pipeline
from flows.report import summary_markdown
from flows.run import preflight
from flows.settings import Settings, load_settings

read_sources_task = task(name="read-sources", cache_policy=NO_CACHE)(steps.read_sources_step)
fetch_batch_task = task(name="fetch-extract-batch", cache_policy=NO_CACHE)(steps.fetch_batch_step)
extract_task = task(name="extract-events", cache_policy=NO_CACHE)(steps.extract_step)
classify_task = task(name="classify-events", cache_policy=NO_CACHE)(steps.classify_step)
alerts_task = task(name="alerts", cache_policy=NO_CACHE)(steps.alerts_step)

R = TypeVar("R")


def whole(task: Task[..., R]) -> Callable[..., PrefectFuture[R]]:
    """`task.submit` with each argument `opaque` on the thread runner: Prefect resolves an argument that is
    a future but does not walk into it for nested ones (the pipeline nests none). Walking a batch of 100
    articles cost ~9 ms a task, more than the task run itself (~3 ms; benchmarks/prefect_overhead.py).
    On Dask the arguments go as they are: it serialises them whole anyway, and turns an annotation (a
    named tuple) into a plain tuple on the way to its worker."""

    def submit(*args: object) -> PrefectFuture[R]:
        context = FlowRunContext.get()
        if context and isinstance(context.task_runner, ThreadPoolTaskRunner):
            args = tuple(opaque(arg) for arg in args)
        return task.submit(*args)

    return submit


PREFECT_STEPS = Steps(
    whole(read_sources_task),
    whole(fetch_batch_task),
    in_this_thread(steps.store_batch_step),
    whole(extract_task),
    whole(classify_task),
    whole(alerts_task),
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
def daily_pipeline(
    sources: str, base_url: str | None = None, settings: Settings | None = None
) -> dict[str, object]:
    """Run the whole pipeline once over the sources file; returns the run summary as a dict.

    `base_url` replaces the `{{BASE}}` placeholder of the bundled corpus's sources file. `settings`
    come from the caller (the CLI); a deployment run, which passes none, reads its own from the
    worker's `CLOUDINTEL_*` environment. The database URL is a secret: Prefect stores it masked.
    """
    settings = settings or load_settings()
    specs = preflight(settings, Path(sources), base_url)  # a typo fails now, not later
    summary = run_pipeline(specs, settings, PREFECT_STEPS, get_run_logger())
    create_markdown_artifact(
        key="daily-pipeline-summary", markdown=summary_markdown(summary), description="cloudintel run summary"
    )
    return summary.to_dict()
