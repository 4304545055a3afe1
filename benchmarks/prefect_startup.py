"""What the temporary Prefect server's start costs a run, and what each setting cuts (issue 16 item 5).

    python benchmarks/prefect_startup.py [--runs 3] [--variants default,quiet]

Each measurement is a fresh Python process (as `cloudintel run` is) that imports Prefect and runs one
no-op flow with one task on the temporary local API, against a PREFECT_HOME made by a first run (the
daily case: the home exists), with the variant's settings in its environment. Reports per variant the
median over `--runs`: `import prefect`, the first flow (server start + flow), the process's wall, and
checks that the flow run and its task run are recorded (read back from the server's database).
Variants run interleaved (A B A B ...), so load changes hit all of them alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from prefect import flow, task
from flows.run import quiet_prefect
from prefect.settings import temporary_settings
t1 = time.perf_counter()

@task
def step() -> int:
    return 1

@flow(name="startup-probe")
def probe() -> int:
    return step()

with temporary_settings(quiet_prefect() if sys.argv[1] == "run" else {}):
    probe()
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "first_flow": t2 - t1}))
"""


# Settings per variant, in the environment; "run" applies `flows.run.quiet_prefect()` as `run_once` does.
VARIANTS: dict[str, dict[str, str]] = {
    "default": {},
    "no-analytics": {"PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
    "no-automations": {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED": "false",
    },
    "no-blocks": {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED": "false",
        "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
        "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
    },
    "run": {},
}


def variant_env(name: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLOUDINTEL_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        PYTHONPATH=str(ROOT),
        **VARIANTS[name],
    )
    return env


def recorded(home: Path) -> tuple[int, int]:
    import sqlite3

    db = sqlite3.connect(home / "prefect.db")
    try:
        flows = db.execute("SELECT count(*) FROM flow_run WHERE state_type = 'COMPLETED'").fetchone()[0]
        tasks = db.execute("SELECT count(*) FROM task_run WHERE state_type = 'COMPLETED'").fetchone()[0]
    finally:
        db.close()
    return flows, tasks


def run(name: str, home: Path) -> dict[str, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name],
        env=variant_env(name, home),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    variants = args.variants.split(",")
    base = Path(tempfile.mkdtemp(prefix="prefect-startup-"))
    homes = {v: base / v for v in variants}
    results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    fresh: dict[str, dict[str, float]] = {}
    for v in variants:  # the first run makes the home: measured apart
        fresh[v] = run(v, homes[v])
    for _ in range(args.runs):
        for v in variants:
            results[v].append(run(v, homes[v]))
    print(f"load average {os.getloadavg()}, {os.cpu_count()} cores; homes under {base}")
    print(
        "| variant | fresh home: first flow s | import prefect s | first flow s | process s | recorded (flow runs, task runs) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for v in variants:
        med = {k: statistics.median(r[k] for r in results[v]) for k in ("imports", "first_flow", "process")}
        print(
            f"| {v} | {fresh[v]['first_flow']:.1f} | {med['imports']:.2f} | {med['first_flow']:.2f} | "
            f"{med['process']:.2f} | {recorded(homes[v])} of {args.runs + 1} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
