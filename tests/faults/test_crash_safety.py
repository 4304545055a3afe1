"""Crash safety: a run killed at any point, then run again, leaves every document, event and alert
exactly once, and every alert delivered exactly once.

**Kill and rerun** (`test_kill_and_rerun_*`): 20 cycles (CLOUDINTEL_FAULTS_KILLS), each on a fresh
warehouse (a SQLite file, or a fresh PostgreSQL database with CLOUDINTEL_TEST_BACKEND=postgresql), a
fresh CLOUDINTEL_HOME and a fresh webhook receiver: `python -m cloudintel run` as a subprocess in its
own session is SIGKILLed as a whole process group (the CLI and Prefect's temporary API server) at a
seeded random point, then run again normally to completion, and the warehouse and the receiver are
checked against a clean reference run in another home (`reference` fixture, `harness.problems_against`):
- documents: no URL twice, the same stored URLs and the same content hashes (no text stored twice);
- events: the same event ids, no (type, parties, date) twice, every event judged;
- alerts: one per (event, rule) in the outbox, all marked delivered, and the real webhook receiver got
  each exactly once (a resend with a known Idempotency-Key is dropped by it, and counted).
A cycle passes when its rerun exits 0, nothing differs, and no process of the killed group was left
behind. The report (`crash_report.json` in the test's tmp_path, in test-output/faults/ and at
CLOUDINTEL_FAULTS_REPORT if set) gives "N of 20", the phase each kill hit, what each killed run had
committed, and every figure of every rerun.

Each cycle starts from nothing so that every kill lands in a run with work still to do: on one shared
warehouse, every run after the first complete one would find nothing left, and its kill would test
little. The price is two Prefect start-ups per cycle (~7–15 s each): the test took 8.5–11 minutes on 2
cores (measured figures in docs/operations.md).

Where the kills land. A run is ~7–15 s of Prefect start-up and, on the bundled corpus, ~1 s of work, so
kill times drawn over the whole run would almost all land in start-up, where nothing of ours has run.
So that kills land in the work:
- the corpus is served by its own server class with every request held CLOUDINTEL_FAULTS_PAGE_DELAY
  (0.2 s): feeds, robots.txt and pages take measurable time (~5 s of work);
- CLOUDINTEL_BATCH_SIZE=4: the 28 links are 7 fetch/store/extract batches, each its own task and
  commit, so a kill can fall between batches;
- the webhook receiver holds each POST CLOUDINTEL_FAULTS_HOOK_STALL (0.15 s) before answering (it
  records the body first), the time a real chat webhook takes: the window between an Apprise POST and
  the outbox update is then wide enough to be hit;
- one fifth of the kills are timed from the spawn, uniformly over the reference run's start-up, or
  at the moment the flow begins if that comes first; the others from the moment the flow run begins
  (read off stderr), one at random in each equal slice of the reference run's work (× 1.1), so that
  they spread over every phase (see `kill_schedule`). Seed: CLOUDINTEL_FAULTS_SEED.
The phase each kill hit is read from the lines the run wrote before it died (`harness.phase_of`).

**Crash before a step** (`test_a_crash_before_*`, `test_a_crash_between_*`): the same pipeline run
in-process with the plain steps, one step replaced by a crash, then run again: deterministic, fast, and
names the step whose loss the kill test shows.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from flows.alerting import outbox
from flows.pipeline import plain_steps, run_pipeline
from flows.settings import Settings
from flows.sources_file import load_sources
from tests.conftest import CORPUS, ROOT, fresh_warehouse
from tests.faults.harness import (
    HOOK_STALL,
    PAGE_DELAY,
    PHASES,
    Reference,
    Run,
    alerts_file,
    check_reference,
    phase_of,
    problems_against,
    received_events,
    resolved_sources,
    run_env,
    snapshot,
    start_run,
)
from tests.support.backend import BACKEND, ON_POSTGRES
from tests.support.receivers import WebhookReceiver

pytestmark = pytest.mark.faults

KILLS = int(os.environ.get("CLOUDINTEL_FAULTS_KILLS", "20"))
SEED = int(os.environ.get("CLOUDINTEL_FAULTS_SEED", "20251126"))
REPORT = ROOT / "test-output" / "faults" / "crash_report.json"
LOG = logging.getLogger("tests.faults")


def kill_schedule(reference: Reference, rng: random.Random) -> list[tuple[str, float]]:
    """(anchor, seconds): 'spawn' kills spread over start-up, 'flow' kills over the work, one at random
    in each equal slice of it (stratified, so every phase of the work gets its share); the start-up
    kills go in at random places."""
    startup = max(1, KILLS // 5)
    span = reference.work * 1.1 / max(1, KILLS - startup)
    plan = [("flow", rng.uniform(i * span, (i + 1) * span)) for i in range(KILLS - startup)]
    for _ in range(startup):
        plan.insert(rng.randrange(len(plan) + 1), ("spawn", rng.uniform(1.0, max(1.5, reference.startup))))
    return plan[:KILLS]


def kill_at(run: Run, anchor: str, seconds: float, number: int) -> None:
    """SIGKILL the run's process group `seconds` after its spawn or after its flow began."""
    if anchor == "flow":
        if not run.flow_started.wait(180):
            run.kill()
            pytest.fail(f"cycle {number}: the flow never began:\n{run.stderr[-3000:]}")
        assert run.flow_started_at is not None
        time.sleep(max(0.0, run.flow_started_at + seconds - time.monotonic()))
    else:  # in start-up: at the drawn time, or as the flow begins if that comes first
        run.flow_started.wait(max(0.0, run.started + seconds - time.monotonic()))
    run.kill()


# its warehouses are on the test backend: with CLOUDINTEL_TEST_BACKEND=postgresql it is a `postgres` test
@(pytest.mark.postgres if ON_POSTGRES else pytest.mark.faults)
def test_kill_and_rerun_20_times_each_rerun_leaves_everything_exactly_once(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    prefect_home: Path,
    slow_base_url: str,
    reference: Reference,
) -> None:
    check_reference(reference)
    began = time.monotonic()
    rows: list[dict[str, Any]] = []
    for number, (anchor, seconds) in enumerate(kill_schedule(reference, random.Random(SEED)), 1):
        folder = tmp_path / f"cycle-{number:02d}"
        folder.mkdir()
        url = fresh_warehouse(request, folder)
        receiver = WebhookReceiver(stall=HOOK_STALL)
        try:
            env = run_env(
                prefect_home=prefect_home,
                home=folder,
                database_url=url,
                alerts=alerts_file(receiver.url, folder),
            )
            sources = resolved_sources(slow_base_url, folder)
            cycle_began = time.monotonic()
            run = start_run(sources, env, folder / "killed.log")
            kill_at(run, anchor, seconds, number)
            time.sleep(HOOK_STALL + 0.3)  # a POST held by the receiver is recorded after the stall
            killed = snapshot(url)
            posts_killed = receiver.requests
            received_killed = received_events(receiver.received)

            rerun = start_run(sources, env, folder / "rerun.log")
            code = rerun.wait(300)
            time.sleep(HOOK_STALL + 0.3)
            state = snapshot(url)
            received = received_events(receiver.received)
            repeats = receiver.repeats
        finally:
            receiver.stop()
        problems = problems_against(reference, state, received)
        if code != 0:
            problems.insert(0, f"the rerun exited {code}: {rerun.stderr[-1500:]}")
        if run.orphans:
            problems.append("the kill left processes of the group alive (killed afterwards)")
        rows.append(
            {
                "cycle": number,
                "at": f"{anchor}+{seconds:.2f}s",
                "phase": phase_of(run, posts_killed),
                "killed_exit": run.proc.returncode,
                "at_kill": {
                    **killed.brief(),
                    "received": sum(received_killed.values()),
                    # delivered to the webhook but still pending in the outbox: the rerun re-sends
                    "posted_not_marked": sorted(set(received_killed) - killed.delivered()),
                },
                "rerun_exit": code,
                "rerun_s": round(rerun.lines[-1][0] - rerun.started, 2) if rerun.lines else None,
                "after_rerun": {
                    **state.brief(),
                    "received": sum(received.values()),
                    "resends_dropped": repeats,
                },
                "runs_left_running": [r[0] for r in state.runs if r[1] == "running"],
                "cycle_s": round(time.monotonic() - cycle_began, 1),
                "exactly_once": not problems,
                "problems": problems,
            }
        )
        print(f"cycle {number} ({rows[-1]['phase']}): {problems or 'exactly once'}", flush=True)

    phases = Counter(row["phase"] for row in rows)
    passed = sum(row["exactly_once"] for row in rows)
    last = rows[-1]
    report = {
        "backend": BACKEND,
        "seed": SEED,
        "page_delay": PAGE_DELAY,
        "hook_stall": HOOK_STALL,
        "exactly_once": f"{passed} of {len(rows)}",
        "cycles_exactly_once": passed,
        "cycles": len(rows),
        "seconds": round(time.monotonic() - began, 1),
        "reference": {
            "startup_s": round(reference.startup, 2),
            "work_s": round(reference.work, 2),
            "total_s": round(reference.total, 2),
        },
        "kills_per_phase": {p: phases[p] for p in PHASES if phases[p]},
        "kills": rows,
        # the last cycle's rerun, in the shape benchmarks/crash_runs.py reads
        "final": {"exit": last["rerun_exit"], **last["after_rerun"], "received": dict(received)},
        "problems": [f"cycle {row['cycle']} ({row['phase']}): {p}" for row in rows for p in row["problems"]],
    }
    text = json.dumps(report, indent=2, default=str)
    (tmp_path / "crash_report.json").write_text(text)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    if os.environ.get("CLOUDINTEL_FAULTS_REPORT"):
        Path(os.environ["CLOUDINTEL_FAULTS_REPORT"]).write_text(text)
    summary = _report_text(report)
    print(summary)
    assert passed == len(rows) == KILLS, summary


def _report_text(report: dict[str, Any]) -> str:
    lines = [
        f"backend {report['backend']}; reference run: start-up {report['reference']['startup_s']} s, "
        f"work {report['reference']['work_s']} s",
        f"kills per phase: {report['kills_per_phase']}",
        f"{'cyc':>3} {'at':>12} {'phase':<16} | at kill: {'docs':>4} {'evts':>4} {'alrt':>4} {'recv':>4} "
        f"| rerun: {'exit':>4} {'docs':>4} {'evts':>4} {'judg':>4} {'alrt':>4} {'dlvd':>4} {'recv':>4} "
        f"{'drop':>4} {'s':>5}  exactly once",
    ]
    for row in report["kills"]:
        k, r = row["at_kill"], row["after_rerun"]
        lines.append(
            f"{row['cycle']:>3} {row['at']:>12} {row['phase']:<16} |          {k['docs_ok']:>4} {k['events']:>4} "
            f"{k['alerts']:>4} {k['received']:>4} |        {row['rerun_exit']!s:>4} {r['docs_ok']:>4} "
            f"{r['events']:>4} {r['judged']:>4} {r['alerts']:>4} {r['delivered']:>4} {r['received']:>4} "
            f"{r['resends_dropped']:>4} {row['cycle_s']:>5}  {'yes' if row['exactly_once'] else 'NO'}"
        )
    lines.append(f"exactly once after the rerun: {report['exactly_once']} cycles, in {report['seconds']} s")
    lines += [f"PROBLEM: {p}" for p in report["problems"]]
    return "\n".join(lines)


# --------------------------------------------------------------------------- crash before one step


class Crash(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing on the way handles it."""


def in_process_settings(tmp_path: Path, database_url: str, hook_url: str) -> Settings:
    return Settings(
        home=tmp_path,
        database_url=database_url,
        allow_loopback=True,
        alerts=alerts_file(hook_url, tmp_path),
        batch_size=4,
    )


@pytest.fixture()
def webhook() -> Any:
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


@pytest.mark.parametrize("step", ["fetch_batch", "store_batch", "extract", "classify", "alerts"])
def test_a_crash_before_a_step_loses_nothing_on_rerun(
    step: str, tmp_path: Path, database_url: str, corpus_base_url: str, webhook: WebhookReceiver
) -> None:
    """Crash at the first call of `step` (everything before it committed), then run again."""
    settings = in_process_settings(tmp_path, database_url, webhook.url)
    specs = load_sources(CORPUS / "sources.yaml", corpus_base_url)

    def crash(*_: object) -> None:
        raise Crash(step)

    with pytest.raises(Crash):
        run_pipeline(specs, settings, dataclasses.replace(plain_steps(), **{step: crash}), LOG)
    run_pipeline(specs, settings, plain_steps(), LOG)

    state = snapshot(database_url)
    expected = {"docs_ok": 27, "events": 14, "judged": 14, "alerts": 9, "delivered": 9}
    got = {**state.brief(), "received": sum(received_events(webhook.received).values())}
    assert got == {**expected, "received": 9}, f"crash before {step}, then a normal run: {got}"


def test_a_crash_between_webhook_post_and_outbox_update_does_not_resend(
    tmp_path: Path, database_url: str, corpus_base_url: str, webhook: WebhookReceiver, monkeypatch: Any
) -> None:
    """The first alert reaches the webhook, the process dies before `mark` records it; run again."""
    settings = in_process_settings(tmp_path, database_url, webhook.url)
    specs = load_sources(CORPUS / "sources.yaml", corpus_base_url)

    real_mark = outbox.mark

    def crash(session: Any, alert_id: int, channel: str, status: str, error: str | None) -> None:
        if status == outbox.SENDING:
            return real_mark(session, alert_id, channel, status, error)  # committed before the POST
        raise Crash("after the POST, before the outbox update")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark", crash)
        with pytest.raises(Crash):
            run_pipeline(specs, settings, plain_steps(), LOG)
    assert sum(received_events(webhook.received).values()) == 1
    run_pipeline(specs, settings, plain_steps(), LOG)

    received = received_events(webhook.received)
    twice = {event: n for event, n in received.items() if n > 1}
    assert len(received) == 9 and not twice, f"delivered more than once: {twice}"
    assert webhook.repeats == 1  # resent with the same Idempotency-Key, and dropped by the receiver
