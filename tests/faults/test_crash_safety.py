"""Crash safety: a run killed at any point, then run again, leaves every document, event and alert
exactly once, and every alert delivered exactly once.

**Kill and rerun** (`test_kill_and_rerun_*`): `python -m cloudintel run` as a subprocess in its own
session, SIGKILLed as a whole process group (the CLI and Prefect's temporary API server) 20 times at
seeded random points, then run once to completion, all on one SQLite warehouse and one CLOUDINTEL_HOME.
The result is compared with a clean reference run in another home (`reference` fixture).

Where the kills land. A run is ~10 s of Prefect start-up and, on the bundled corpus, ~1 s of work, so
kill times drawn over the whole run would almost all land in start-up, where nothing of ours has run.
So that kills land in the work:
- the corpus is served by its own server class with every request held CLOUDINTEL_FAULTS_PAGE_DELAY
  (0.2 s): feeds, robots.txt and pages take measurable time;
- CLOUDINTEL_BATCH_SIZE=4: the 28 links are 7 fetch/store/extract batches, each its own task and
  commit, so a kill can fall between batches;
- the webhook receiver holds each POST CLOUDINTEL_FAULTS_HOOK_STALL (0.15 s) before answering (it
  records the body first), the time a real chat webhook takes: the window between an Apprise POST and
  the outbox update is then wide enough to be hit;
- one fifth of the kills are timed from the spawn, uniformly over the reference run's start-up, or
  at the moment the flow begins if that comes first (the reference run's start-up is the slow first
  one of a fresh PREFECT_HOME); the others from the moment the flow run begins (read off stderr), one
  at random in each equal slice of the reference run's work (× 1.1), in ascending order (see
  `kill_schedule`). Seed: CLOUDINTEL_FAULTS_SEED; count: CLOUDINTEL_FAULTS_KILLS.
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

from cloudintel.settings import Settings
from cloudintel.sources_file import load_sources
from flows.alerting import outbox
from flows.pipeline import plain_steps, run_pipeline
from tests.conftest import CORPUS
from tests.faults.harness import (
    HOOK_STALL,
    PAGE_DELAY,
    PHASES,
    Reference,
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
from tests.support.receivers import WebhookReceiver

pytestmark = pytest.mark.faults

KILLS = int(os.environ.get("CLOUDINTEL_FAULTS_KILLS", "20"))
SEED = int(os.environ.get("CLOUDINTEL_FAULTS_SEED", "20251126"))
LOG = logging.getLogger("tests.faults")


def kill_schedule(reference: Reference, rng: random.Random) -> list[tuple[str, float]]:
    """(anchor, seconds): 'spawn' kills spread over start-up, 'flow' kills over the work.

    The flow kills are stratified (one in each equal slice of the work) and in ascending order: what
    a killed run committed is not done again, so a kill drawn late in the work would, after an early
    one, land in a rerun with little left to do; in order, the kills walk through the phases a rerun
    still has. The start-up kills go in at random places."""
    startup = max(1, KILLS // 5)
    span = reference.work * 1.1 / (KILLS - startup)  # one kill at random in each of equal slices
    plan = [("flow", rng.uniform(i * span, (i + 1) * span)) for i in range(KILLS - startup)]
    for _ in range(startup):
        plan.insert(rng.randrange(len(plan) + 1), ("spawn", rng.uniform(1.0, max(1.5, reference.startup))))
    return plan


def test_kill_and_rerun_20_times_then_one_run_leaves_everything_exactly_once(
    tmp_path: Path, prefect_home: Path, slow_base_url: str, reference: Reference
) -> None:
    check_reference(reference)
    receiver = WebhookReceiver(stall=HOOK_STALL)
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    env = run_env(
        prefect_home=prefect_home, home=tmp_path, database_url=url, alerts=alerts_file(receiver.url, tmp_path)
    )
    sources = resolved_sources(slow_base_url, tmp_path)
    rows: list[dict[str, Any]] = []
    try:
        for number, (anchor, seconds) in enumerate(kill_schedule(reference, random.Random(SEED)), 1):
            posts_before = receiver.requests
            run = start_run(sources, env, tmp_path / f"kill-{number:02d}.log")
            if anchor == "flow":
                if not run.flow_started.wait(180):
                    run.kill()
                    pytest.fail(f"run {number}: the flow never began:\n{run.stderr[-3000:]}")
                assert run.flow_started_at is not None
                target = run.flow_started_at + seconds
                time.sleep(max(0.0, target - time.monotonic()))
            else:  # in start-up: at the drawn time, or as the flow begins if that comes first
                run.flow_started.wait(max(0.0, run.started + seconds - time.monotonic()))
            run.kill()
            time.sleep(HOOK_STALL + 0.3)  # a POST held by the receiver is recorded after the stall
            state = snapshot(url)
            received = received_events(receiver.received)
            rows.append(
                {
                    "kill": number,
                    "at": f"{anchor}+{seconds:.2f}s",
                    "phase": phase_of(run, receiver.requests - posts_before),
                    "exit": run.proc.returncode,
                    **state.brief(),
                    "received": sum(received.values()),
                    # delivered to the webhook but still pending in the outbox: the next run re-sends
                    "posted_not_marked": sorted(set(received) - state.delivered()),
                    "orphans": run.orphans,
                }
            )
        final = start_run(sources, env, tmp_path / "final.log")
        code = final.wait(300)
        time.sleep(HOOK_STALL + 0.3)
        state = snapshot(url)
        received = received_events(receiver.received)
    finally:
        receiver.stop()

    phases = Counter(row["phase"] for row in rows)
    report = {
        "seed": SEED,
        "page_delay": PAGE_DELAY,
        "hook_stall": HOOK_STALL,
        "reference": {
            "startup_s": round(reference.startup, 2),
            "work_s": round(reference.work, 2),
            "total_s": round(reference.total, 2),
        },
        "kills_per_phase": {p: phases[p] for p in PHASES if phases[p]},
        "kills": rows,
        "final": {"exit": code, **state.brief(), "received": dict(received)},
        "runs_left_running": [r[0] for r in state.runs if r[1] == "running"],
    }
    problems = problems_against(reference, state, received)
    if code != 0:
        problems.insert(0, f"the final run exited {code}:\n{final.stderr[-2000:]}")
    orphans = sum(row["orphans"] for row in rows)
    if orphans:
        problems.append(f"{orphans} kills left processes of the group alive (killed afterwards)")
    report["problems"] = problems
    (tmp_path / "crash_report.json").write_text(json.dumps(report, indent=2, default=str))
    if os.environ.get("CLOUDINTEL_FAULTS_REPORT"):
        Path(os.environ["CLOUDINTEL_FAULTS_REPORT"]).write_text(json.dumps(report, indent=2, default=str))
    text = _report_text(report)
    print(text)
    assert not problems, text


def _report_text(report: dict[str, Any]) -> str:
    lines = [
        f"reference run: start-up {report['reference']['startup_s']} s, work {report['reference']['work_s']} s",
        f"kills per phase: {report['kills_per_phase']}",
        f"{'kill':>4} {'at':>12} {'phase':<16} {'exit':>4} {'docs':>4} {'evts':>4} {'judg':>4} "
        f"{'alrt':>4} {'dlvd':>4} {'recv':>4}  posted-not-marked",
    ]
    for row in report["kills"]:
        lines.append(
            f"{row['kill']:>4} {row['at']:>12} {row['phase']:<16} {row['exit']!s:>4} {row['docs_ok']:>4} "
            f"{row['events']:>4} {row['judged']:>4} {row['alerts']:>4} {row['delivered']:>4} "
            f"{row['received']:>4}  {len(row['posted_not_marked']) or ''}"
        )
    lines.append(f"final run: {report['final']}")
    lines.append(f"pipeline_runs left 'running': {len(report['runs_left_running'])}")
    lines += [f"PROBLEM: {p}" for p in report["problems"]] or ["exactly once: yes"]
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
