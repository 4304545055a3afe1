"""Two `cloudintel run` processes started at once on one warehouse (SQLite, and PostgreSQL when marked
`postgres`) over the same corpus: afterwards every document, event and alert is there exactly once and
the webhook got each alert exactly once. Both runs exit 0, or one exits non-zero with a one-line reason
saying another run is in progress.

The corpus server is slowed and the webhook stalls as in test_crash_safety.py, so the two runs' work
(~5 s) overlaps although each spends ~10 s in Prefect's start-up first.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.faults.harness import (
    HOOK_STALL,
    Reference,
    Run,
    alerts_file,
    check_reference,
    problems_against,
    received_events,
    resolved_sources,
    run_env,
    snapshot,
    start_run,
)
from tests.support.receivers import WebhookReceiver

pytestmark = pytest.mark.faults

CONCURRENT_REASON = re.compile(r"^cloudintel: .*(concurrent|another run|already running|in progress)", re.I)


def work_window(run: Run) -> tuple[float, float] | None:
    """(start, end) of the run's flow, seconds after its spawn."""
    if run.flow_started_at is None:
        return None
    end = max(t for t, _ in run.lines)
    return round(run.flow_started_at - run.started, 2), round(end - run.started, 2)


def test_two_runs_at_once_store_and_alert_exactly_once(
    tmp_path: Path, prefect_home: Path, slow_base_url: str, database_url: str, reference: Reference
) -> None:
    check_reference(reference)
    receiver = WebhookReceiver(stall=HOOK_STALL)
    env = run_env(
        prefect_home=prefect_home,
        home=tmp_path,
        database_url=database_url,
        alerts=alerts_file(receiver.url, tmp_path),
    )
    sources = resolved_sources(slow_base_url, tmp_path)
    try:
        runs = [start_run(sources, env, tmp_path / f"run-{n}.log") for n in (1, 2)]
        codes = [run.wait(300) for run in runs]
        time.sleep(HOOK_STALL + 0.3)
        state = snapshot(database_url)
        received = received_events(receiver.received)
    finally:
        receiver.stop()

    outcome = []
    for n, (run, code) in enumerate(zip(runs, codes, strict=True), 1):
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        summary = json.loads(run.log.with_suffix(".json").read_text() or "null")
        outcome.append(
            {
                "run": n,
                "exit": code,
                "flow_window_s": work_window(run),
                "traceback": "Traceback (most recent call last)" in run.stderr,
                "last_stderr_line": lines[-1] if lines else "",
                "errors": [
                    line.split(" - ", 1)[-1][:300]
                    for line in lines
                    if "| ERROR" in line or "Finished in state Failed" in line
                ][:6],
                "summary": {k: summary[k] for k in ("documents_new", "events_new", "alerts_fired")}
                if summary
                else None,
            }
        )
    problems = problems_against(reference, state, received)
    failed = [o for o in outcome if o["exit"] != 0]
    if len(failed) == 2:
        problems.insert(0, "both runs failed")
    for o in failed:
        if o["traceback"] or not CONCURRENT_REASON.match(o["last_stderr_line"]):
            problems.insert(0, f"run {o['run']} exited {o['exit']} without a one-line 'another run' reason")
    report = json.dumps({"runs": outcome, "final": state.brief(), "problems": problems}, indent=2)
    (tmp_path / "concurrent_report.json").write_text(report)
    print(report)
    assert not problems, report
