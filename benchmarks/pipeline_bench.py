"""Scale benchmark of the daily pipeline on a synthetic corpus served on 127.0.0.1 (issue 7).

    python benchmarks/pipeline_bench.py --articles 10000 [--feeds 200] [--floor] [--parallel] [--prefect] [--dask]
        [--incremental] [--memory 1000,10000,50000] [--profile] [--json results.json]

Generates (or reuses) a corpus with `benchmarks/synthetic_corpus.py` under /tmp, serves it with the
bundled corpus server (`cloudintel/corpus/serve.py`, ETag/304, TCP_NODELAY) in a separate process, and
runs each measurement in a fresh child process with a fresh `CLOUDINTEL_HOME` (SQLite warehouse), so peaks
and imports do not mix:

- `plain`: `run_pipeline(specs, Settings(home=tmp, allow_loopback=True), plain_steps(), ...)`, the steps
  run in the calling thread without worker processes (`CLOUDINTEL_CPU_WORKERS=0`), with timers around
  the steps and the functions inside them (`read_sources` → `parse_feed`, `Fetcher.fetch_many`,
  `parse_article`, `store_pages`, `detect_events`, `store_mentions`, classification, alerts): the
  per-stage cost. Per-stage wall time, articles/s and peak RSS.
- `floor` (`--floor`): the same article URLs fetched with the project's HTTP client and given to
  `trafilatura.extract` (favor_precision), on one worker process per core (`--workers`); no feeds, no
  storage, no events. The pipeline's target is a ratio to this.
- `workers` (`--parallel`): the plain steps with the run's worker processes (flows/workers.py).
- `threaded` (`--threaded`): the steps submitted to a 4-thread pool without Prefect.
- `prefect` (`--prefect`): the `daily_pipeline` Prefect flow (4-thread task runner, worker processes,
  temporary local API, fresh PREFECT_HOME); the temporary API start is timed apart (a no-op flow first).
  `dask` (`--dask`): the same flow on a local Dask cluster of a worker process per core.
- `--incremental`: a second run on the plain run's warehouse (feeds answer 304), plain and Prefect.
- `--memory`: peak memory of runs over corpora of these sizes, one process each (`--memory-modes`).
- `--profile`: one more plain run under py-spy (`--idle`, 100 Hz): wall-clock shares on the main thread.

Memory: the whole process tree of each run (the child, its worker processes and fork server, Prefect's
temporary API server; not the corpus server), PSS and RSS summed, sampled every 0.5 s from the parent;
also `ru_maxrss` of the child and psutil samples of the child labelled with the step running.
Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_corpus import ensure_corpus, iter_urls  # noqa: E402

SERVE_PY = ROOT / "cloudintel" / "corpus" / "serve.py"
WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "cloudintel-pipeline-bench"
WORKERS = 0  # floor worker processes (0: one per core), set from --workers

# --------------------------------------------------------------------------------------------------
# Measuring inside a child process
# --------------------------------------------------------------------------------------------------


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Clock:
    """Accumulated wall time per (step, function), and RSS samples labelled with the running step."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.step = "setup"
        self.rss_peak: dict[str, float] = defaultdict(float)
        self.patches: list[tuple[Any, str, Any]] = []
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            self.totals[name] += seconds
            self.calls[name] += 1

    def wrap(self, owner: Any, attr: str, name: str) -> None:
        """Replace `owner.attr` by a timed version (restored by `restore`); missing ones are skipped."""
        original = getattr(owner, attr, None)
        if original is None:
            print(f"note: {owner!r}.{attr} not found, not timed", file=sys.stderr)
            return
        clock = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                clock.add(f"{clock.step}/{name}", time.perf_counter() - started)

        setattr(owner, attr, timed)
        self.patches.append((owner, attr, original))

    def restore(self) -> None:
        for owner, attr, original in reversed(self.patches):
            setattr(owner, attr, original)
        self.patches.clear()

    def timed_steps(self, base: Any) -> Any:
        """A Steps table whose calls are timed and label the RSS samples (sequential steps only)."""
        from flows.pipeline import Steps

        def timed(name: str, submit: Callable[..., Any]) -> Callable[..., Any]:
            def call(*args: Any) -> Any:
                previous, self.step = self.step, name
                started = time.perf_counter()
                try:
                    future = submit(*args)
                    future.result()
                    return future
                finally:
                    self.add(f"{name}/step", time.perf_counter() - started)
                    self._sample()
                    self.step = previous

            return call

        return Steps(**{field: timed(field, getattr(base, field)) for field in Steps.__dataclass_fields__})

    def _sample(self) -> None:
        try:
            import psutil

            rss = psutil.Process().memory_info().rss / 2**20
        except ImportError:
            rss = maxrss_mb()
        with self.lock:
            self.rss_peak[self.step] = max(self.rss_peak[self.step], rss)

    def start_sampling(self, interval: float = 0.1) -> None:
        def loop() -> None:
            while not self._stop.wait(interval):
                self._sample()

        self._sampler = threading.Thread(target=loop, name="rss-sampler", daemon=True)
        self._sampler.start()

    def stop_sampling(self) -> None:
        self._stop.set()
        if self._sampler:
            self._sampler.join()


class GcMeter:
    """Time spent in the garbage collector, and collections per generation, while it is installed."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections: Counter[int] = Counter()
        self._started = 0.0

    def __enter__(self) -> GcMeter:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1

    def figures(self) -> dict[str, Any]:
        return {"gc_seconds": self.seconds, "gc_collections": dict(self.collections)}


def _instrument(clock: Clock) -> None:
    """Timers inside the steps: feed parsing, HTTP, main-text extraction, event detection, clustering."""
    import flows.analysis
    import flows.ingest
    import flows.pipeline
    import flows.steps
    from flows.fetching.client import Fetcher

    clock.wrap(flows.ingest, "parse_feed", "parse_feed")
    clock.wrap(flows.ingest, "parse_article", "parse_article")
    clock.wrap(Fetcher, "fetch_many", "fetch_many")
    clock.wrap(Fetcher, "__init__", "client_setup")
    clock.wrap(Fetcher, "close", "client_setup")
    clock.wrap(flows.analysis, "detect_events", "detect_events")
    clock.wrap(flows.analysis, "store_mentions", "store_mentions")
    clock.wrap(flows.steps, "store_pages", "store_pages")
    clock.wrap(flows.steps, "fire_alerts", "fire_alerts")
    clock.wrap(flows.steps, "deliver_pending", "deliver_pending")
    clock.wrap(flows.pipeline, "_validators", "validators_lookup")
    clock.wrap(flows.pipeline, "_record_sources", "record_sources")
    clock.wrap(flows.pipeline, "by_publication", "by_publication")


def _summary_dict(summary: Any) -> dict[str, Any]:
    data = summary.to_dict() if hasattr(summary, "to_dict") else dict(summary)
    data["errors"] = data.get("errors", [])[:5] + (
        [f"... {len(data['errors'])} in all"] if data.get("errors") else []
    )
    return data


def child_pipeline(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    """Run the pipeline once (plain or threaded steps, no Prefect) and time it. `plain` is the
    instrumented sequential run (no worker processes, so the timers see every stage); `workers` the
    plain steps with the run's worker processes (flows/workers.py), as the flow runs them."""
    if mode == "plain":
        os.environ["CLOUDINTEL_CPU_WORKERS"] = "0"
    started_imports = time.perf_counter()
    from flows.pipeline import Steps, in_this_thread, plain_steps, run_pipeline
    from flows.settings import Settings
    from flows.sources_file import load_sources
    from warehouse.engine import get_engine

    imports = time.perf_counter() - started_imports
    settings = Settings(home=Path(args.home), allow_loopback=True)
    specs = load_sources(Path(args.corpus) / "sources.yaml", args.base_url)
    get_engine(settings.warehouse_url)  # creating the tables is not the pipeline's work
    logger = logging.getLogger("bench")
    logger.setLevel(logging.WARNING)
    clock = Clock()
    rss_before = maxrss_mb()
    cpu_before = time.process_time()
    pool: ThreadPoolExecutor | None = None
    if mode == "plain":
        _instrument(clock)
        steps = clock.timed_steps(plain_steps())
    elif mode == "workers":
        os.environ.setdefault("CLOUDINTEL_CPU_WORKERS", "auto")  # worker processes are opt-in in a run
        steps = plain_steps()
    else:  # the Prefect flow's steps and ThreadPoolTaskRunner(max_workers=4), without Prefect
        from flows import steps as s

        pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="step")

        def on_pool(step: Callable[..., Any]) -> Callable[..., Any]:
            return lambda *a: pool.submit(step, *a)  # type: ignore[union-attr]

        steps = Steps(
            on_pool(s.read_sources_step),
            on_pool(s.fetch_batch_step),
            in_this_thread(s.store_batch_step),  # as in flows/daily.py: the flow's own thread
            on_pool(s.extract_step),
            on_pool(s.classify_step),
            on_pool(s.alerts_step),
        )
    clock.start_sampling()
    started = time.perf_counter()
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    with GcMeter() as meter:
        summary = run_pipeline(specs, settings, steps, logger)
    if profiler:
        profiler.stop()
        Path(args.pyinstrument).write_text(
            profiler.output_text(unicode=True, show_all=False), encoding="utf-8"
        )
    wall = time.perf_counter() - started
    clock.stop_sampling()
    clock.restore()
    if pool:
        pool.shutdown()
    return {
        "mode": mode,
        "wall": wall,
        "cpu": time.process_time() - cpu_before,
        "imports": imports,
        "rss_before_mb": rss_before,
        "maxrss_mb": maxrss_mb(),
        "rss_peak_by_step": dict(clock.rss_peak),
        "totals": dict(clock.totals),
        "calls": dict(clock.calls),
        **meter.figures(),
        "summary": _summary_dict(summary),
    }


_FLOOR_FETCHER: Any = None


def _floor_batch(home: str, urls: list[str]) -> dict[str, Any]:
    """One batch of the floor in a worker process: fetch the pages (the project's HTTP client, its
    threads), then trafilatura's main text of each, nothing else."""
    global _FLOOR_FETCHER
    import trafilatura

    from flows.fetching.client import Fetcher
    from flows.settings import Settings

    if _FLOOR_FETCHER is None:
        _FLOOR_FETCHER = Fetcher(Settings(home=Path(home), allow_loopback=True))
    cpu, t0 = time.process_time(), time.perf_counter()
    results = _FLOOR_FETCHER.fetch_many((url, None) for url in urls)
    t1 = time.perf_counter()
    ok = with_text = 0
    for result in results:
        if result.ok:
            ok += 1
            text = trafilatura.extract(
                result.body, url=result.final_url, favor_precision=True, include_comments=False
            )
            with_text += bool(text)
    return {
        "fetch": t1 - t0,
        "parse": time.perf_counter() - t1,
        "cpu": time.process_time() - cpu,
        "ok": ok,
        "with_text": with_text,
        "rss_mb": maxrss_mb(),
    }


def child_floor(args: argparse.Namespace) -> dict[str, Any]:
    """The floor: the same article URLs fetched (the project's client) and given to trafilatura
    (`extract`, favor_precision) on every core: one worker process per core, a batch of `batch_size`
    URLs per task. No pipeline: no feeds, no storage, no events."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from flows.settings import Settings

    settings = Settings(home=Path(args.home), allow_loopback=True)
    urls = list(iter_urls(Path(args.corpus), args.base_url))
    batches = [urls[i : i + settings.batch_size] for i in range(0, len(urls), settings.batch_size)]
    workers = args.workers or len(os.sched_getaffinity(0))
    rss_before = maxrss_mb()
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        parts = list(pool.map(_floor_batch, [args.home] * len(batches), batches))
    wall = time.perf_counter() - started
    return {
        "mode": "floor",
        "workers": workers,
        "wall": wall,
        "cpu": sum(p["cpu"] for p in parts),
        "fetch": sum(p["fetch"] for p in parts),
        "parse": sum(p["parse"] for p in parts),
        "urls": len(urls),
        "ok": sum(p["ok"] for p in parts),
        "with_text": sum(p["with_text"] for p in parts),
        "rss_before_mb": rss_before,
        "maxrss_mb": max(p["rss_mb"] for p in parts),
    }


def child_prefect(args: argparse.Namespace, dask: bool = False) -> dict[str, Any]:
    """The daily_pipeline Prefect flow, after a no-op flow has started the temporary local API; with
    `dask`, on a local Dask cluster of one worker process per core (`flows.daily.with_dask`)."""
    os.environ.update(
        CLOUDINTEL_HOME=str(args.home),
        CLOUDINTEL_ALLOW_LOOPBACK="1",
        PREFECT_HOME=str(Path(args.prefect_home)),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
    )
    started = time.perf_counter()
    import psutil
    from prefect import flow

    from flows.daily import daily_pipeline
    from warehouse.engine import get_engine

    imports = time.perf_counter() - started

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    started = time.perf_counter()
    warm_up()
    api_start = time.perf_counter() - started
    get_engine(f"sqlite:///{Path(args.home) / 'warehouse.db'}")
    me = psutil.Process()

    def children_cpu() -> float:
        total = 0.0
        for child in me.children(recursive=True):
            try:
                times = child.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    rss_before = maxrss_mb()
    cpu_before, server_cpu_before = time.process_time(), children_cpu()
    started = time.perf_counter()
    os.environ.setdefault("CLOUDINTEL_CPU_WORKERS", "auto")  # as measured: one worker per core
    with GcMeter() as meter:
        pipeline = daily_pipeline
        if dask:
            from flows.daily import with_dask

            pipeline = with_dask(workers=len(os.sched_getaffinity(0)))
        result = pipeline(sources=str(Path(args.corpus) / "sources.yaml"), base_url=args.base_url)
    wall = time.perf_counter() - started
    return {
        "mode": "dask" if dask else "prefect",
        "wall": wall,
        "cpu": time.process_time() - cpu_before,
        "api_cpu": children_cpu() - server_cpu_before,
        "imports": imports,
        "api_start": api_start,
        "rss_before_mb": rss_before,
        "maxrss_mb": maxrss_mb(),
        **meter.figures(),
        "summary": _summary_dict(result),
    }


def child_main(args: argparse.Namespace) -> None:
    if args.child == "floor":
        result = child_floor(args)
    elif args.child in ("prefect", "dask"):
        result = child_prefect(args, dask=args.child == "dask")
    else:
        result = child_pipeline(args, args.child)
    Path(args.json_out).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


# --------------------------------------------------------------------------------------------------
# Orchestration (parent process)
# --------------------------------------------------------------------------------------------------


@contextmanager
def corpus_server(folder: Path) -> Iterator[tuple[str, Any]]:
    """The bundled corpus server on a free loopback port, in its own process; yields (base URL, process)."""
    import psutil

    command = [sys.executable, str(SERVE_PY), "--dir", str(folder), "--quiet"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"corpus server did not start: {base_url!r}")
        yield base_url, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


class TreeMemory:
    """Peak PSS and RSS of a process and all its descendants (worker processes, the fork server,
    Prefect's temporary API server), sampled every `interval` seconds from the parent."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.pid: int | None = None
        self.peak_pss = self.peak_rss = 0.0
        self.peak_processes = 0
        self.samples: list[tuple[float, float, int]] = []  # (seconds, PSS MB, processes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tree-memory", daemon=True)
        self._started = time.perf_counter()

    def watch(self, pid: int) -> None:
        self.pid = pid

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        import psutil

        while not self._stop.wait(self.interval):
            if self.pid is None:
                continue
            try:
                root = psutil.Process(self.pid)
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            pss = rss = 0.0
            for process in processes:
                try:
                    info = process.memory_full_info()
                except psutil.Error:
                    continue
                pss += info.pss / 2**20
                rss += info.rss / 2**20
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.peak_processes = max(self.peak_processes, len(processes))
            self.samples.append((round(time.perf_counter() - self._started, 1), round(pss), len(processes)))

    def figures(self) -> dict[str, Any]:
        return {
            "tree_pss_mb": self.peak_pss,
            "tree_rss_mb": self.peak_rss,
            "tree_processes": self.peak_processes,
            "tree_samples": self.samples[:: max(1, len(self.samples) // 200)],
        }


def run_child(
    mode: str,
    corpus: Path,
    base_url: str,
    home: Path,
    server: Any,
    log: Path,
    *,
    profile: Path | None = None,
    pyinstrument: Path | None = None,
    idle: bool = True,
) -> dict[str, Any]:
    home.mkdir(parents=True, exist_ok=True)
    out = home.parent / f"{home.name}-{mode}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        mode,
        "--corpus",
        str(corpus),
        "--base-url",
        base_url,
        "--home",
        str(home),
        "--json-out",
        str(out),
        "--prefect-home",
        str(home.parent / f"{home.name}-prefect-home"),
        "--workers",
        str(WORKERS),
    ]
    if pyinstrument:
        command += ["--pyinstrument", str(pyinstrument)]
    if profile:
        command = [
            shutil.which("py-spy") or "py-spy",
            "record",
            *(["--idle"] if idle else []),
            "-r",
            "100",
            "-f",
            "speedscope",
            "-o",
            str(profile),
            "--",
            *command,
        ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDINTEL_", "PREFECT_"))}
    server_cpu = sum(server.cpu_times()[:2])
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as sink, TreeMemory() as tree:
        sink.write(f"\n$ {' '.join(command)}\n")
        sink.flush()
        child = subprocess.Popen(command, stdout=sink, stderr=sink, env=env, cwd=ROOT)
        tree.watch(child.pid)
        if child.wait():
            raise subprocess.CalledProcessError(child.returncode, command)
    result = json.loads(out.read_text(encoding="utf-8"))
    result.update(tree.figures())
    result["process_wall"] = time.perf_counter() - started
    result["server_cpu"] = sum(server.cpu_times()[:2]) - server_cpu
    result["load_1min"] = (load_before, os.getloadavg()[0])
    result["commit"] = (
        (ROOT / ".commit").read_text(encoding="utf-8").strip()  # a snapshot made with `git archive`
        if (ROOT / ".commit").exists()
        else subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    print(
        f"  {mode}: {result['wall']:.1f} s, tree PSS {result['tree_pss_mb']:.0f} MB "
        f"({result['tree_processes']} processes), max RSS {result['maxrss_mb']:.0f} MB, load "
        f"{result['load_1min'][0]:.1f}->{result['load_1min'][1]:.1f}",
        file=sys.stderr,
    )
    return result


STAGES = (
    ("read sources: feed HTTP + feedparser on a thread pool", "read_sources"),
    ("· of which feedparser, summed over the pool's threads (not in the total)", "parse_feed"),
    ("fetch pages (HTTP, fetch_many)", "page_http"),
    ("main-text extraction (parse_article)", "parse_article"),
    ("page records + HTTP client set-up per batch", "page_other"),
    ("document storage (store_pages, validator look-ups)", "store"),
    ("event extraction (detect_events)", "detect"),
    ("clustering + storage of events", "cluster"),
    ("classification (incl. model load)", "classify"),
    ("alerts (fire + deliver)", "alerts"),
    ("run bookkeeping (sources, run rows, ordering)", "glue"),
)


def stage_seconds(plain: dict[str, Any]) -> dict[str, float]:
    t = defaultdict(float, plain["totals"])
    durations = plain["summary"]["durations"]
    stages = {
        "read_sources": t["read_sources/step"],
        "page_http": t["fetch_batch/fetch_many"],
        "parse_article": t["fetch_batch/parse_article"],
        "page_other": t["fetch_batch/step"] - t["fetch_batch/fetch_many"] - t["fetch_batch/parse_article"],
        "store": t["store_batch/step"] + t["setup/validators_lookup"],
        "detect": t["extract/detect_events"],
        "cluster": t["extract/step"] - t["extract/detect_events"] + t["setup/by_publication"],
        "classify": float(durations.get("classify", t["classify/step"])),
        "alerts": t["alerts/step"],
    }
    stages["glue"] = plain["wall"] - sum(stages.values())
    stages["parse_feed"] = t["read_sources/parse_feed"]  # inside read_sources, on several threads
    return stages


def step_of(key: str) -> str:
    return {
        "read_sources": "read_sources",
        "parse_feed": "read_sources",
        "page_http": "fetch_batch",
        "parse_article": "fetch_batch",
        "page_other": "fetch_batch",
        "store": "store_batch",
        "detect": "extract",
        "cluster": "extract",
        "classify": "classify",
        "alerts": "alerts",
        "glue": "setup",
    }[key]


WAITS = {"wait", "_wait_for_tstate_lock", "join", "result", "acquire", "_worker", "select", "poll", "sleep"}


def _frame_label(frame: dict[str, Any]) -> str:
    file = str(frame.get("file", "")).replace(str(ROOT) + "/", "")
    if "site-packages/" in file:
        file = file.split("site-packages/", 1)[1]
    elif "/lib/python3" in file:
        file = "stdlib/" + file.rsplit("/lib/python3", 1)[1].split("/", 1)[1]
    return f"{frame['name']} ({file})"


def profile_summary(path: Path, top: int = 20) -> dict[str, Any]:
    """Wall-clock shares on the main thread (py-spy --idle samples) by function, self and inclusive
    (lines of one function merged), and the CPU the other threads (HTTP fetching) used."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    labels = [_frame_label(f) for f in frames]
    profiles = sorted(data["profiles"], key=lambda p: -sum(p["weights"]))
    main = next((p for p in profiles if p["name"].endswith('""') or "MainThread" in p["name"]), profiles[0])
    self_w: Counter[str] = Counter()
    incl_w: Counter[str] = Counter()
    total = 0.0
    for stack, weight in zip(main["samples"], main["weights"], strict=True):
        total += weight
        if stack:
            self_w[labels[stack[-1]]] += weight
        for label in {labels[i] for i in stack}:
            incl_w[label] += weight
    others: Counter[str] = Counter()
    other_total = 0.0
    for prof in data["profiles"]:
        if prof is main or "rss-sampler" in prof["name"]:
            continue
        for stack, weight in zip(prof["samples"], prof["weights"], strict=True):
            if stack and frames[stack[-1]]["name"].rsplit(".", 1)[-1] not in WAITS:
                others[labels[stack[-1]]] += weight
                other_total += weight
    project = [
        (label, share / total)
        for label, share in incl_w.most_common()
        if not any(part in label for part in ("site-packages", "stdlib/", "<frozen"))
        and "benchmarks/" not in label
    ][:top]
    return {
        "file": str(path),
        "main_seconds": total,
        "self": [(label, weight / total) for label, weight in self_w.most_common(top)],
        "inclusive_project": project,
        "other_threads_seconds": other_total,
        "other_threads_top": [(label, weight) for label, weight in others.most_common(8)],
    }


PROJECT_DIRS = ("flows/", "extractors/", "warehouse/", "models/", "cloudintel/")


def owner_summary(path: Path) -> dict[str, Any]:
    """Active CPU samples of all threads (py-spy without --idle) by owner: walking from the leaf up,
    the first frame in project code makes the sample the pipeline's, the first in `prefect/` Prefect's
    (libraries count for whoever called them). Wait frames are dropped."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    files = [str(f.get("file", "")) for f in frames]
    owners: Counter[str] = Counter()
    prefect_top: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    for prof in data["profiles"]:
        if "rss-sampler" in prof["name"]:
            continue
        for stack, weight in zip(prof["samples"], prof["weights"], strict=True):
            if not stack or frames[stack[-1]]["name"].rsplit(".", 1)[-1] in WAITS:
                continue
            owner, where = "other (libraries, interpreter)", None
            for index in reversed(stack):
                file = files[index]
                if "site-packages/prefect/" in file:
                    owner, where = "prefect", index
                    break
                if str(ROOT) in file and any(f"{ROOT}/{d}" in file for d in PROJECT_DIRS):
                    owner = "pipeline (project code and the libraries it calls)"
                    break
            owners[owner] += weight
            threads[prof["name"].split('"')[1] if '"' in prof["name"] else prof["name"]] += weight
            if where is not None:
                prefect_top[_frame_label(frames[where])] += weight
    return {
        "file": str(path),
        "owners": dict(owners),
        "prefect_top": prefect_top.most_common(10),
        "threads": threads.most_common(8),
    }


def report(results: dict[str, Any], args: argparse.Namespace, manifest: dict[str, Any]) -> str:
    lines: list[str] = []
    out = lines.append
    out(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    out(
        f"corpus: {manifest['articles']:,} article pages ({manifest['mean_page_kb']} KB mean), "
        f"{manifest['feeds']} feeds, {manifest['feed_items']:,} feed items "
        f"({manifest['cross_listed']} cross-listed, {manifest['syndicated_copies']} syndicated copies), "
        f"generated in {manifest['seconds']} s"
    )
    plain = results.get("plain")
    n = manifest["articles"]
    if plain:
        s = plain["summary"]
        out("")
        out(
            f"Plain run (no Prefect): {plain['wall']:.1f} s for {n:,} articles = {n / plain['wall']:.0f} articles/s; "
            f"documents new {s['documents_new']}, duplicate {s['documents_duplicate']}, failed "
            f"{s['documents_failed']}; events new {s['events_new']}; alerts fired {s['alerts_fired']}; "
            f"CPU {plain['cpu']:.0f} s (pipeline process), corpus server CPU {plain['server_cpu']:.0f} s"
        )
        out("")
        out("| stage | wall s | share | articles/s | peak RSS MB (step) |")
        out("|---|---:|---:|---:|---:|")
        stages = stage_seconds(plain)
        for label, key in STAGES:
            seconds = stages[key]
            rss = plain["rss_peak_by_step"].get(step_of(key), 0)
            out(
                f"| {label} | {seconds:.1f} | {seconds / plain['wall']:.0%} | "
                f"{(n / seconds if seconds > 0.05 else float('inf')):,.0f} | {rss:.0f} |"
            )
        out(
            f"| **total** | **{plain['wall']:.1f}** | 100% | **{n / plain['wall']:,.0f}** | "
            f"**{plain['maxrss_mb']:.0f}** (ru_maxrss) |"
        )
    floor = results.get("floor")
    if floor:
        out("")
        out(
            f"Floor: {floor['urls']:,} URLs fetched and given to trafilatura on {floor.get('workers', '?')} "
            f"worker processes: {floor['wall']:.1f} s ({floor['with_text']:,} with text; "
            f"{floor['cpu']:.0f} CPU s in the workers; tree PSS {floor.get('tree_pss_mb', 0):.0f} MB)"
        )
        out("")
        out("| run (fresh warehouse each) | wall s | × floor | tree PSS MB | processes | load 1 min |")
        out("|---|---:|---:|---:|---:|---|")
        out(
            f"| floor: fetch + trafilatura, all cores | {floor['wall']:.1f} | 1.00 | "
            f"{floor.get('tree_pss_mb', 0):.0f} | {floor.get('tree_processes', 0)} | "
            f"{floor['load_1min'][0]:.1f}→{floor['load_1min'][1]:.1f} |"
        )
        for key, label in (
            ("plain", "pipeline, plain steps, one process (instrumented)"),
            ("workers", "pipeline, plain steps + worker processes"),
            ("threaded", "pipeline, the flow's steps on 4 threads, no Prefect"),
            ("prefect", "pipeline as the Prefect flow (after the API's start)"),
            ("dask", "the Prefect flow on a local Dask cluster (a worker per core)"),
        ):
            r = results.get(key)
            if r:
                out(
                    f"| {label} | {r['wall']:.1f} | **{r['wall'] / floor['wall']:.2f}** | "
                    f"{r.get('tree_pss_mb', 0):.0f} | {r.get('tree_processes', 0)} | "
                    f"{r['load_1min'][0]:.1f}→{r['load_1min'][1]:.1f} |"
                )
        out("")
        out("Target: pipeline ≤ 2.0 × the floor.")
    durations = {k: results[k]["summary"]["durations"] for k in ("workers", "prefect") if k in results}
    if durations:
        out("")
        out("| stage (the run's own clock, `runs.durations`) | " + " | ".join(durations) + " |")
        out("|---|" + "---:|" * len(durations))
        names = sorted({n for d in durations.values() for n in d}, key=lambda n: (n == "total", n))
        for name in names:
            out(f"| {name} | " + " | ".join(f"{d.get(name, 0):.1f}" for d in durations.values()) + " |")
        if "prefect" in results:
            r = results["prefect"]
            out(
                f"| Prefect (flow wall − run_pipeline) | | {r['wall'] - r['summary']['durations']['total']:.1f} |"
            )

    threaded, prefect = results.get("threaded"), results.get("prefect")
    if prefect and threaded and plain:
        out("")
        out("| run (fresh warehouse each) | wall s | articles/s | pipeline CPU s | max RSS MB |")
        out("|---|---:|---:|---:|---:|")
        for name, r in (
            ("plain steps, sequential (`plain_steps()`)", plain),
            ("steps on a 4-thread pool, no Prefect", threaded),
            ("Prefect `daily_pipeline` flow (4-thread task runner)", prefect),
        ):
            out(
                f"| {name} | {r['wall']:.1f} | {n / r['wall']:,.0f} | {r['cpu']:.0f} | {r['maxrss_mb']:.0f} |"
            )
        overhead = (prefect["wall"] - threaded["wall"]) / threaded["wall"]
        out("")
        out(
            f"Prefect overhead vs the same threads without Prefect: {overhead:+.1%} "
            f"(vs sequential plain steps: {(prefect['wall'] - plain['wall']) / plain['wall']:+.1%}); "
            f"excluded: `import prefect` + flows {prefect['imports']:.1f} s, temporary API start "
            f"(first flow) {prefect['api_start']:.1f} s; Prefect API server CPU during the flow "
            f"{prefect['api_cpu']:.1f} s; run_pipeline inside the flow {prefect['summary']['durations']['total']:.1f} s."
        )
    pp = results.get("prefect-profile")
    if pp:
        total = sum(pp["owners"].values()) or 1
        out("")
        out(
            f"Prefect run under py-spy (all threads, active samples, {total:.0f} s): "
            + "; ".join(
                f"{k} {v / total:.0%}" for k, v in sorted(pp["owners"].items(), key=lambda kv: -kv[1])
            )
        )
        out("")
        out("| Prefect function (first Prefect frame above the leaf) | CPU s |")
        out("|---|---:|")
        for label, sec in pp["prefect_top"]:
            out(f"| `{label}` | {sec:.1f} |")
        out("")
        out(
            "Threads by active samples: "
            + ", ".join(f"{name or 'main'} {sec:.0f} s" for name, sec in pp["threads"])
        )
    incremental = {k: v for k, v in results.items() if k.startswith("incremental")}
    if incremental:
        out("")
        out(
            "| unchanged daily run, 200 sources (second run, feeds answer 304) | wall s | documents fetched |"
        )
        out("|---|---:|---:|")
        for key, r in incremental.items():
            s = r["summary"]
            fetched = (
                s["documents_new"] + s["documents_updated"] + s["documents_unchanged"] + s["documents_failed"]
            )
            extra = (
                f" (+ {r['api_start']:.1f} s temporary API start, {r['imports']:.1f} s imports)"
                if "api_start" in r
                else ""
            )
            out(f"| {key} | {r['wall']:.2f}{extra} | {fetched} (not modified: {s['not_modified']}) |")
    memory = results.get("memory")
    if memory:
        out("")
        out(
            "| articles | wall s | articles/s | RSS after imports MB | peak RSS MB (ru_maxrss) | peak by step |"
        )
        out("|---:|---:|---:|---:|---:|---|")
        for key, r in sorted(memory.items(), key=lambda kv: (len(kv[0].split()), int(kv[0].split()[0]))):
            size = int(key.split()[0])
            steps = ", ".join(
                f"{k} {v:.0f}"
                for k, v in sorted((r.get("rss_peak_by_step") or {}).items(), key=lambda kv: -kv[1])[:3]
            )
            label = f"{size:,}" + (" (Prefect flow)" if "prefect" in key else "")
            out(
                f"| {label} | {r['wall']:.0f} | {size / r['wall']:,.0f} | {r['rss_before_mb']:.0f} | "
                f"{r['maxrss_mb']:.0f} | {steps or '-'} |"
            )
    prof = results.get("profile")
    if prof:
        out("")
        out(
            f"Profile: py-spy --idle, 100 Hz, main thread {prof['main_seconds']:.0f} s of wall time "
            f"(a separate plain run, {results['profiled']['wall']:.0f} s under the sampler); {prof['file']}"
        )
        out("")
        out("| main thread, inclusive (project functions) | share of wall |")
        out("|---|---:|")
        for label, share in prof["inclusive_project"]:
            out(f"| `{label}` | {share:.1%} |")
        out("")
        out("| main thread, self time | share of wall |")
        out("|---|---:|")
        for label, share in prof["self"]:
            out(f"| `{label}` | {share:.1%} |")
        out("")
        out(
            f"Other threads (HTTP fetch pool), active samples: {prof['other_threads_seconds']:.1f} s; top: "
            + ", ".join(f"`{label}` {sec:.1f} s" for label, sec in prof["other_threads_top"][:5])
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dup-share", type=float, default=0.1)
    parser.add_argument(
        "--prefect",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also the Prefect flow (daily_pipeline)",
    )
    parser.add_argument(
        "--floor", action="store_true", help="also time the floor: fetch + trafilatura on every core"
    )
    parser.add_argument("--workers", type=int, default=0, help="floor worker processes (default: cores)")
    parser.add_argument(
        "--plain",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the instrumented plain run (default on)",
    )
    parser.add_argument("--incremental", action="store_true", help="a second, unchanged run (feeds 304)")
    parser.add_argument("--dask", action="store_true", help="also the flow on a local Dask cluster")
    parser.add_argument(
        "--threaded", action="store_true", help="also the flow's steps on 4 threads without Prefect"
    )
    parser.add_argument(
        "--parallel", action="store_true", help="also the plain steps with worker processes, no Prefect"
    )
    parser.add_argument(
        "--memory", default="", help="comma-separated corpus sizes for peak RSS, e.g. 1000,10000,50000"
    )
    parser.add_argument(
        "--memory-modes", default="plain", help="runs per --memory size: plain, prefect or plain,prefect"
    )
    parser.add_argument("--profile", action="store_true", help="one more plain run under py-spy (--idle)")
    parser.add_argument("--json", type=Path, help="write all raw results here")
    parser.add_argument(
        "--prefect-profile",
        action="store_true",
        help="one more Prefect run under py-spy (active samples): Prefect's share of the CPU",
    )
    # child-process arguments
    parser.add_argument(
        "--child",
        choices=("plain", "workers", "threaded", "prefect", "dask", "floor"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--prefect-home", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    parser.add_argument("--pyinstrument", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args)
        return 0

    global WORKERS
    WORKERS = args.workers
    corpus, manifest = ensure_corpus(args.articles, args.feeds, args.seed, args.dup_share)
    print(f"corpus {corpus}: {json.dumps(manifest)}", file=sys.stderr)
    WORK.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix=f"run-{args.articles}-", dir=WORK))
    log = run_dir / "children.log"
    print(f"homes, logs and raw results under {run_dir}", file=sys.stderr)
    results: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "manifest": manifest}
    with corpus_server(corpus) as (base_url, server):
        if args.floor:
            results["floor"] = run_child("floor", corpus, base_url, run_dir / "floor", server, log)
        if args.plain or args.incremental:
            results["plain"] = run_child("plain", corpus, base_url, run_dir / "plain", server, log)
        if args.profile:  # a run of its own: sampling slows the process it samples
            profile = run_dir / "plain.speedscope.json"
            results["profiled"] = run_child(
                "plain", corpus, base_url, run_dir / "profiled", server, log, profile=profile
            )
            results["profile"] = profile_summary(profile)
        if args.parallel:
            results["workers"] = run_child("workers", corpus, base_url, run_dir / "workers", server, log)
        if args.threaded:
            results["threaded"] = run_child("threaded", corpus, base_url, run_dir / "threaded", server, log)
        if args.prefect:
            results["prefect"] = run_child("prefect", corpus, base_url, run_dir / "prefect", server, log)
        if args.dask:
            results["dask"] = run_child("dask", corpus, base_url, run_dir / "dask", server, log)
        if args.prefect_profile:
            profile = run_dir / "prefect.speedscope.json"
            results["prefect-profiled"] = run_child(
                "prefect",
                corpus,
                base_url,
                run_dir / "prefect-profiled",
                server,
                log,
                profile=profile,
                idle=False,
            )
            results["prefect-profile"] = owner_summary(profile)
        if args.incremental:
            again = run_dir / "plain-again"
            shutil.copytree(
                run_dir / "plain", again
            )  # the warehouse after the first run, for the Prefect rerun
            results["incremental: plain steps"] = run_child(
                "plain", corpus, base_url, run_dir / "plain", server, log
            )
            if args.prefect:
                results["incremental: Prefect flow"] = run_child(
                    "prefect", corpus, base_url, again, server, log
                )
    if args.memory:
        results["memory"] = {}
        for size in (int(x) for x in args.memory.split(",") if x):
            folder, _ = ensure_corpus(size, args.feeds, args.seed, args.dup_share)
            with corpus_server(folder) as (base_url, server):
                for mode in args.memory_modes.split(","):
                    key = str(size) if mode == "plain" else f"{size} {mode}"
                    results["memory"][key] = run_child(
                        mode,
                        folder,
                        base_url,
                        run_dir / f"memory-{size}-{mode}",
                        server,
                        log,
                    )
    (args.json or run_dir / "results.json").write_text(
        json.dumps(results, indent=2, default=str), encoding="utf-8"
    )
    print(report(results, args, manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
