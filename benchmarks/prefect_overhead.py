"""Measure Prefect's per-task overhead and the pipeline's documents per second on the sample corpus.

    python benchmarks/prefect_overhead.py [--tasks 200]

Runs under Prefect's temporary local API (as `cloudintel run` does). Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import opaque  # noqa: E402

from warehouse.documents import PageRecord  # noqa: E402


@task
def noop(batch: list[int]) -> int:
    return len(batch)


@flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
def overhead_flow(items: int, batch: int) -> float:
    """Seconds to push `items` through no-op tasks of `batch` items each."""
    data = list(range(items))
    started = time.perf_counter()
    futures = [noop.submit(data[i : i + batch]) for i in range(0, items, batch)]
    assert sum(f.result() for f in futures) == items
    return time.perf_counter() - started


@task(cache_policy=NO_CACHE)
def count(records: list[PageRecord]) -> int:
    return len(records)


@flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
def walk_flow(tasks: int, whole: bool) -> float:
    """Seconds per task given a batch of 100 page records (10 KB of text each), passed as it is (Prefect
    walks it for futures) or `opaque` (as flows/daily.py passes its arguments)."""
    records = [PageRecord(f"https://example.com/{i}", 1, "ok", text="x" * 10_000) for i in range(100)]
    argument = opaque(records) if whole else records
    started = time.perf_counter()
    assert sum(count.submit(argument).result() for _ in range(tasks)) == 100 * tasks
    return (time.perf_counter() - started) / tasks


def pipeline_run(home: Path) -> dict[str, object]:
    from cloudintel.corpus_server import serve_corpus
    from flows.daily import daily_pipeline

    os.environ.update(CLOUDINTEL_HOME=str(home), CLOUDINTEL_ALLOW_LOOPBACK="1")
    corpus = ROOT / "cloudintel" / "corpus"
    with serve_corpus(corpus) as base_url:
        return daily_pipeline(sources=str(corpus / "sources.yaml"), base_url=base_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200, help="tasks in the per-task measurement")
    args = parser.parse_args()
    started = time.perf_counter()
    overhead_flow(4, 1)  # the first flow of a process starts the temporary API
    first_flow = time.perf_counter() - started
    per_task = [overhead_flow(args.tasks, 1) / args.tasks for _ in range(3)]
    batched = [overhead_flow(1000, 100) for _ in range(3)]
    per_item = [overhead_flow(1000, 1) for _ in range(1)]
    walked = [walk_flow(args.tasks, whole=False) for _ in range(3)]
    whole = [walk_flow(args.tasks, whole=True) for _ in range(3)]
    with tempfile.TemporaryDirectory() as home:
        run = pipeline_run(Path(home))
    durations = run["durations"]
    assert isinstance(durations, dict)
    docs = int(run["documents_new"]) + int(run["documents_failed"])  # type: ignore[call-overload]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| what | figure |\n|---|---|")
    print(f"| first flow of the process (temporary API start) | {first_flow:.1f} s |")
    print(f"| one task run, median of 3 x {args.tasks} | {statistics.median(per_task) * 1000:.1f} ms |")
    print(f"| 1,000 items as 1,000 tasks | {per_item[0]:.2f} s |")
    print(f"| 1,000 items as 10 tasks of 100 | {statistics.median(batched):.2f} s |")
    print(
        f"| a task given 100 page records, walked for futures | {statistics.median(walked) * 1000:.1f} ms |"
    )
    print(f"| the same, the argument `opaque` | {statistics.median(whole) * 1000:.1f} ms |")
    print(
        f"| corpus run: {docs} article URLs, 6 sources, fetch + extract + store | {durations['total']:.2f} s |"
    )
    print(
        f"| corpus run: documents per second (after Prefect start) | {docs / float(durations['total']):.0f} |"
    )


if __name__ == "__main__":
    main()
