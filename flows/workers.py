"""Worker processes for the pipeline's CPU-bound work: main text of fetched pages and event detection
(the sentence judge and spaCy's recognizer), on every core, while the flow's process fetches in threads
and stores, one writer, in order.

The pool belongs to a run (`worker_pool`, entered by `run_pipeline`); it starts on first use, so a run
with nothing to extract (an unchanged daily run) starts no process. Workers are forked from a fork
server that has imported the extractors and loaded the sentence judge and spaCy once
(`flows/worker_models.py`): the workers share those pages, and keep the models for the run. Where no pool is set (a Dask worker, the plain functions called
directly), the same work runs inline. Results are what the inline code gives, in the same order: the
workers only compute; everything that reads or writes the warehouse stays in the calling process.
Chosen by measurement against Prefect's `ProcessPoolTaskRunner` and a Dask local cluster: see
docs/benchmarks.md ("Every core busy").
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractors.entities import OrganizationIndex
    from extractors.events import Candidate
    from extractors.feeds import FeedItem
    from flows.analysis import DocumentText
    from flows.fetching.client import FetchResult
    from warehouse.documents import PageRecord

WORKERS_ENV = "CLOUDINTEL_CPU_WORKERS"  # worker processes; 0 runs the CPU work in the calling thread
DETECT_CHUNK = 16  # documents per detection task (~20 ms each): ~0.3 s of work for ~2 ms of pickling


def worker_count() -> int:
    """`CLOUDINTEL_CPU_WORKERS`: a number, or "auto" for one per core this process may use; unset or 0,
    the CPU work runs inline (the default until the worker pool has been through the fault and
    PostgreSQL suites: docs/benchmarks.md)."""
    value = os.environ.get(WORKERS_ENV, "").strip().lower()
    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(0, int(value)) if value else 0


class _LazyPool:
    """A process pool started on first use."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # several task threads may ask first at once

    def executor(self) -> Executor:
        with self._lock:
            if self._executor is None:
                context = get_context("forkserver")
                context.set_forkserver_preload(["flows.workers", "flows.ingest", "flows.worker_models"])
                self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_settle)
            return self._executor

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_POOL: _LazyPool | None = None


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[None]:
    """Worker processes for the CPU work of the steps run in this process, for the duration of a run."""
    global _POOL
    count = worker_count() if workers is None else workers
    if _POOL is not None or count < 1:  # nested, or turned off
        yield
        return
    _POOL = _LazyPool(count)
    try:
        yield
    finally:
        pool, _POOL = _POOL, None
        pool.shutdown()


def _settle() -> None:
    from flows.process import settle_process

    settle_process()


def _split(count: int, parts: int) -> list[tuple[int, int]]:
    size = -(-count // max(1, parts))
    return [(i, min(i + size, count)) for i in range(0, count, size)] if count else []


# --------------------------------------------------------------------------------------------------
# Main text of fetched pages
# --------------------------------------------------------------------------------------------------


def page_records(items: Sequence[tuple[FeedItem, int]], results: Sequence[FetchResult]) -> list[PageRecord]:
    """`flows.ingest.page_record` of each fetch, in order: split over the workers when there are any."""
    from flows.ingest import page_records_inline

    pool = _POOL
    work = [(item, source_id, result) for (item, source_id), result in zip(items, results, strict=True)]
    needs_parsing = sum(1 for *_, result in work if result.ok)
    if pool is None or needs_parsing < 2:
        return page_records_inline(work)
    parts = [work[a:b] for a, b in _split(len(work), pool.workers)]
    records: list[PageRecord] = []
    for chunk in pool.executor().map(page_records_inline, parts):
        records += chunk
    return records


# --------------------------------------------------------------------------------------------------
# Event detection
# --------------------------------------------------------------------------------------------------

_ORGS: dict[str, OrganizationIndex] = {}  # in a worker: organization lists by digest, unpickled once


class Detector:
    """`detect_events` of many articles, in order, on the workers (inline without a pool)."""

    def __init__(self, orgs: OrganizationIndex) -> None:
        self.orgs = orgs
        self._pickled = pickle.dumps(orgs, protocol=pickle.HIGHEST_PROTOCOL)
        self._digest = hashlib.sha1(self._pickled).hexdigest()

    def __call__(self, articles: Sequence[DocumentText]) -> Iterator[list[Candidate]]:
        pool = _POOL
        if pool is None or len(articles) < 2:
            yield from _detect(self.orgs, articles)
            return
        chunks = [articles[i : i + DETECT_CHUNK] for i in range(0, len(articles), DETECT_CHUNK)]
        executor = pool.executor()
        futures = [executor.submit(_detect_in_worker, self._digest, self._pickled, c) for c in chunks]
        for future in futures:
            yield from future.result()


def _detect(orgs: OrganizationIndex, articles: Sequence[DocumentText]) -> list[list[Candidate]]:
    from extractors.events import detect_events
    from flows.analysis import recognizer, sentence_judge

    judge, names = sentence_judge(), recognizer(orgs)
    return [
        detect_events(title, text, published, orgs, judge, names, site=site)
        for title, text, published, site in articles
    ]


def _detect_in_worker(digest: str, pickled: bytes, articles: Sequence[DocumentText]) -> list[list[Candidate]]:
    orgs = _ORGS.get(digest)
    if orgs is None:
        orgs = _ORGS.setdefault(digest, pickle.loads(pickled))
    return _detect(orgs, articles)


def workers_active() -> bool:
    """Whether this process has a worker pool for the current run."""
    return _POOL is not None
