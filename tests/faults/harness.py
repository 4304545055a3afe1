"""Crash and concurrency harness: `cloudintel run` as a real subprocess (own session, killable as a
process group), a slowed copy of the sample-corpus server, warehouse snapshots, and phase detection
from the run's stderr.

Used by the `faults` tests and by `benchmarks/crash_runs.py`.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlmodel import Session, select

from cloudintel.corpus_server import corpus_module
from warehouse.schema import Alert, Document, Event, PipelineRun

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "cloudintel" / "corpus"
RULE = "new-cloud-deal"
EVENT_LINE = re.compile(r"^Event: (\S+)\s*$", re.MULTILINE)

# Per-run knobs (see the module docstring of test_crash_safety.py for why).
PAGE_DELAY = float(os.environ.get("CLOUDINTEL_FAULTS_PAGE_DELAY", "0.2"))  # seconds per HTTP request
HOOK_STALL = float(os.environ.get("CLOUDINTEL_FAULTS_HOOK_STALL", "0.15"))  # seconds per webhook POST
BATCH_SIZE = os.environ.get("CLOUDINTEL_FAULTS_BATCH_SIZE", "4")  # articles per task (28 links: 7 batches)


# --------------------------------------------------------------------------- corpus server, slowed


@contextmanager
def slow_corpus(delay: float = PAGE_DELAY) -> Iterator[str]:
    """The bundled corpus served by its own `serve.py` server class, each request held `delay` s, so a
    run's fetch phase lasts long enough for a kill to land in it. Yields the base URL."""
    module = corpus_module()

    class SlowHandler(module.CorpusHandler):  # type: ignore[name-defined,misc]
        def do_GET(self) -> None:
            time.sleep(delay)
            super().do_GET()

    server = module.make_server(CORPUS)
    server.RequestHandlerClass = SlowHandler
    thread = threading.Thread(target=server.serve_forever, name="slow-corpus", daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()


def resolved_sources(base_url: str, folder: Path) -> Path:
    """The corpus's sources.yaml with `{{BASE}}` replaced, for `cloudintel run --sources`."""
    path = folder / "sources.yaml"
    path.write_text((CORPUS / "sources.yaml").read_text(encoding="utf-8").replace("{{BASE}}", base_url))
    return path


def alerts_file(hook_url: str, folder: Path) -> Path:
    """An alerts YAML with one rule, new-cloud-deal → the webhook receiver."""
    path = folder / "alerts.yaml"
    path.write_text(
        f"channels:\n  hook: {hook_url}\nrules:\n  - name: {RULE}\n    kind: new-cloud-deal\n    channels: [hook]\n"
    )
    return path


def run_env(
    *, prefect_home: Path, home: Path, database_url: str, alerts: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of one `cloudintel run`: no inherited CLOUDINTEL_* or PREFECT_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDINTEL_", "PREFECT_"))}
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PYTHONUNBUFFERED="1",
        CLOUDINTEL_HOME=str(home),
        CLOUDINTEL_ALLOW_LOOPBACK="1",
        CLOUDINTEL_DATABASE_URL=database_url,
        CLOUDINTEL_ALERTS=str(alerts),
        CLOUDINTEL_BATCH_SIZE=BATCH_SIZE,
        CLOUDINTEL_ORGANIZATIONS=str(CORPUS / "organizations.yaml"),  # the corpus's fictional companies
        CLOUDINTEL_ALERTS_MAX_AGE_DAYS="0",  # the corpus's 2024-2025 news alerted as if new
    )
    env.update(extra or {})
    return env


# --------------------------------------------------------------------------- one run as a subprocess


@dataclass
class Run:
    """A `cloudintel run` subprocess in its own session; stderr is read line by line as it comes."""

    proc: subprocess.Popen[bytes]
    started: float
    log: Path
    lines: list[tuple[float, str]] = field(default_factory=list)
    flow_started: threading.Event = field(default_factory=threading.Event)
    flow_started_at: float | None = None
    reader: threading.Thread | None = None
    killed_at: float | None = None
    exited_before_kill: bool = False
    orphans: int = 0

    @property
    def pgid(self) -> int:
        return self.proc.pid  # start_new_session=True: the child leads its own group

    @property
    def stderr(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def _read(self) -> None:
        assert self.proc.stderr is not None
        with self.log.open("w", encoding="utf-8") as out:
            for raw in self.proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                now = time.monotonic()
                self.lines.append((now, line))
                out.write(line + "\n")
                if not self.flow_started.is_set() and "Beginning flow run" in line:
                    self.flow_started_at = now
                    self.flow_started.set()

    def wait(self, timeout: float) -> int:
        """Wait for the process to end by itself; the whole group is killed if it does not."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._join()
        return code

    def kill(self) -> None:
        """SIGKILL the whole process group (the CLI and Prefect's temporary API server)."""
        self.killed_at = time.monotonic()
        self.exited_before_kill = self.proc.poll() is not None
        with suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        self.proc.wait(30)
        self.orphans = _wait_group_gone(self.pgid)
        self._join()

    def _join(self) -> None:
        if self.reader is not None:
            self.reader.join(30)


def start_run(sources: Path, env: Mapping[str, str], log: Path) -> Run:
    """Start `python -m cloudintel run --sources PATH --format json` in a new session."""
    stdout = log.with_suffix(".json").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cloudintel", "run", "--sources", str(sources), "--format", "json"],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=ROOT,
        start_new_session=True,
    )
    stdout.close()
    run = Run(proc=proc, started=time.monotonic(), log=log)
    run.reader = threading.Thread(target=run._read, daemon=True)
    run.reader.start()
    return run


def _wait_group_gone(pgid: int, timeout: float = 10.0) -> int:
    """0 when no process of the group is left; else SIGKILL the rest and return 1 (an orphan seen)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return 0
        time.sleep(0.05)
    with suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    return 1


# --------------------------------------------------------------------------- phase of a killed run

PHASES = (
    "prefect-startup",  # before the flow run began: nothing of ours has run
    "read-sources",  # run row, sources registered, feeds being read
    "fetch-store",  # article batches fetched and stored
    "extract",  # every batch stored; events being extracted
    "classify",  # events extracted; impact being judged
    "alerts",  # alerts being fired and delivered
    "finish",  # alerts task done; run row being closed, artifact written
    "prefect-shutdown",  # the pipeline finished; Prefect tearing down
    "exited",  # the process had ended before the kill
)
_STORED = re.compile(r"batch \d+/(\d+) stored")


def phase_of(run: Run, posts_during_run: int) -> str:
    """Where a killed run was, from the lines it had written (every line came out before the kill)."""
    if run.exited_before_kill:
        return "exited"
    text = run.stderr
    if "Beginning flow run" not in text:
        return "prefect-startup"
    if re.search(r"Flow run '[^']+' - run \d+ finished in", text):
        return "prefect-shutdown"
    if "Task run 'alerts-" in text:
        return "finish"
    if posts_during_run or "Task run 'classify-events-" in text:
        return "alerts"
    if "impact model not used" in text:  # logged between the last extract batch and classify
        return "classify"
    if "Task run 'extract-events-" in text:
        return "extract"
    stored = _STORED.findall(text)
    if stored and len(stored) >= int(stored[-1]):
        return "extract"
    if "sources read:" in text:
        return "fetch-store"
    return "read-sources"


# --------------------------------------------------------------------------- warehouse snapshot


@dataclass
class Snapshot:
    """What a warehouse holds, in comparable form."""

    documents: list[tuple[str, str, str | None]]  # (url, fetch_status, content_hash)
    events: list[tuple[str, str, tuple[str, ...], str, str | None]]  # (id, type, parties, date, impact)
    alerts: list[tuple[str, str, dict[str, str]]]  # (event_id, rule, delivery)
    runs: list[tuple[int, str, bool]]  # (id, status, finished)

    @property
    def ok_urls(self) -> list[str]:
        return sorted(url for url, status, _ in self.documents if status == "ok")

    @property
    def ok_hashes(self) -> Counter[str | None]:
        """Content hashes of the stored (not failed, not duplicate) articles."""
        return Counter(digest for _, status, digest in self.documents if status == "ok")

    @property
    def event_ids(self) -> Counter[str]:
        return Counter(e[0] for e in self.events)

    @property
    def event_keys(self) -> Counter[tuple[str, tuple[str, ...], str]]:
        return Counter((type_, parties, date) for _, type_, parties, date, _ in self.events)

    def rule_alerts(self, rule: str = RULE) -> Counter[str]:
        return Counter(event_id for event_id, name, _ in self.alerts if name == rule)

    def delivered(self, channel: str = "hook") -> set[str]:
        return {event_id for event_id, _, delivery in self.alerts if delivery.get(channel) == "delivered"}

    def brief(self) -> dict[str, int]:
        return {
            "docs_ok": len(self.ok_urls),
            "events": len(self.events),
            "judged": sum(1 for e in self.events if e[4] is not None),
            "alerts": len(self.alerts),
            "delivered": len(self.delivered()),
        }


def snapshot(database_url: str) -> Snapshot:
    """Read the warehouse with a throwaway engine (the runs write it from other processes)."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            try:
                documents = [
                    (d.url, d.fetch_status, d.content_hash) for d in session.exec(select(Document)).all()
                ]
            except Exception:  # no tables yet: the first run was killed before creating them
                return Snapshot([], [], [], [])
            events = [
                (e.id, e.type, tuple(sorted(e.parties)), e.date, e.impact_level)
                for e in session.exec(select(Event)).all()
            ]
            alerts = [(a.event_id, a.rule, dict(a.delivery)) for a in session.exec(select(Alert)).all()]
            runs = [
                (r.id or 0, r.status, r.finished_at is not None)
                for r in session.exec(select(PipelineRun).order_by(PipelineRun.id)).all()
            ]
        return Snapshot(documents, events, alerts, runs)
    finally:
        engine.dispose()


def received_events(bodies: list[dict[str, Any]]) -> Counter[str]:
    """Deliveries per event id, read off the `Event: <id>` line of each webhook message."""
    found: Counter[str] = Counter()
    for body in bodies:
        match = EVENT_LINE.search(str(body.get("message", "")))
        found[match.group(1) if match else "<no event id>"] += 1
    return found


@dataclass(frozen=True)
class Reference:
    """A clean run to completion in its own home: the expected warehouse, and how long a run takes."""

    warehouse: Snapshot
    received: Counter[str]
    startup: float  # seconds from spawn to "Beginning flow run"
    work: float  # seconds from "Beginning flow run" to "run N finished"
    total: float


def check_reference(reference: Reference) -> None:
    ref = reference.warehouse
    assert len(ref.ok_urls) == 27 and len(ref.events) == 14, ref.brief()
    assert sorted(ref.rule_alerts().values()) == [1] * 9, ref.alerts
    assert reference.received == Counter(dict.fromkeys(ref.rule_alerts(), 1)), reference.received


def problems_against(reference: Reference, state: Snapshot, received: Counter[str]) -> list[str]:
    """Every way `state` and the deliveries differ from exactly-once of the reference run."""
    ref = reference.warehouse
    problems = []
    urls = Counter(url for url, _, _ in state.documents)
    if [u for u, n in urls.items() if n > 1]:
        problems.append(f"duplicate document URLs: {[u for u, n in urls.items() if n > 1]}")
    if state.ok_urls != ref.ok_urls:
        missing = sorted(set(ref.ok_urls) - set(state.ok_urls))
        extra = sorted(set(state.ok_urls) - set(ref.ok_urls))
        problems.append(
            f"{len(state.ok_urls)} ok documents, reference {len(ref.ok_urls)}; "
            f"missing {[u.rsplit('/', 1)[-1] for u in missing]}" + (f", unexpected {extra}" if extra else "")
        )
    if state.ok_hashes != ref.ok_hashes:
        copies = sorted(str(h)[:12] for h, n in state.ok_hashes.items() if n > 1)
        problems.append(
            f"stored articles by content hash differ from the reference: the same text stored twice {copies}, "
            f"{len(set(ref.ok_hashes) - set(state.ok_hashes))} texts missing, "
            f"{len(set(state.ok_hashes) - set(ref.ok_hashes))} unexpected"
        )
    if state.event_ids != ref.event_ids:
        problems.append(
            f"event ids differ from the reference: missing {sorted(set(ref.event_ids) - set(state.event_ids))}, "
            f"unexpected {sorted(set(state.event_ids) - set(ref.event_ids))}"
        )
    if state.event_keys != ref.event_keys:
        missing_keys = ref.event_keys - state.event_keys
        extra_keys = state.event_keys - ref.event_keys
        problems.append(
            f"{len(state.events)} events, reference {len(ref.events)}; missing {sorted(missing_keys)}"
            + (f"; extra or duplicated {sorted(extra_keys)}" if extra_keys else "")
        )
    unjudged = [e[0] for e in state.events if e[4] is None]
    if unjudged:
        problems.append(f"{len(unjudged)} events never got an impact level: {unjudged}")
    alerts = state.rule_alerts()
    if alerts != ref.rule_alerts():
        problems.append(
            f"{sum(alerts.values())} {RULE} alerts in the outbox, reference {sum(ref.rule_alerts().values())}; "
            f"missing {sorted(set(ref.rule_alerts()) - set(alerts))}"
        )
    undelivered = sorted(set(alerts) - state.delivered())
    if undelivered:
        problems.append(f"alerts not marked delivered: {undelivered}")
    expected = Counter(dict.fromkeys(ref.rule_alerts(), 1))
    if received != expected:
        twice = {e: n for e, n in received.items() if n > 1}
        never = sorted(set(expected) - set(received))
        problems.append(
            f"webhook got {sum(received.values())} deliveries for {len(received)} events, expected "
            f"{len(expected)} once each; delivered more than once: {twice}; never delivered: {never}"
        )
    return problems
