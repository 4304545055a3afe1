"""Run the kill-and-rerun fault test over several seeds and tabulate where the kills landed and what
the warehouse and the webhook ended up with.

    python benchmarks/crash_runs.py --seeds 1 2 3 [--kills 20] [--page-delay 0.2] [--hook-stall 0.15]

Each seed is one `pytest -m faults tests/faults/test_crash_safety.py -k kill_and_rerun` (a reference
run, then N cycles of kill, rerun and exactly-once check, each on a fresh warehouse: 8.5–11 minutes
for 20 on 2 cores); its JSON report (CLOUDINTEL_FAULTS_REPORT) is read back (`final` is the last
cycle's rerun, `problems` are prefixed by cycle). Exit status 1 when any cycle did not end exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[20251126])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--page-delay", type=float, default=0.2)
    parser.add_argument("--hook-stall", type=float, default=0.15)
    args = parser.parse_args()

    phases: Counter[str] = Counter()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="crash-runs-") as folder:
        for seed in args.seeds:
            report_path = Path(folder) / f"seed-{seed}.json"
            env = {
                **os.environ,
                "CLOUDINTEL_FAULTS_SEED": str(seed),
                "CLOUDINTEL_FAULTS_KILLS": str(args.kills),
                "CLOUDINTEL_FAULTS_PAGE_DELAY": str(args.page_delay),
                "CLOUDINTEL_FAULTS_HOOK_STALL": str(args.hook_stall),
                "CLOUDINTEL_FAULTS_REPORT": str(report_path),
            }
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "faults",
                 "tests/faults/test_crash_safety.py", "-k", "kill_and_rerun"],
                cwd=ROOT, env=env, capture_output=True, check=False,
            )  # fmt: skip
            if not report_path.exists():
                print(f"seed {seed}: no report (the test did not get to the end; run it with -s)")
                failed += 1
                continue
            report = json.loads(report_path.read_text())
            phases.update(report["kills_per_phase"])
            final = report["final"]
            verdict = "exactly once" if not report["problems"] else f"{len(report['problems'])} problems"
            print(
                f"seed {seed}: kills {report['kills_per_phase']}; final docs {final['docs_ok']}, events "
                f"{final['events']}, alerts {final['alerts']}, received {sum(final['received'].values())}: "
                f"{verdict}"
            )
            for problem in report["problems"]:
                print(f"    {problem[:300]}")
            failed += bool(report["problems"])
    print(
        f"all seeds, kills per phase: {dict(phases)}; {len(args.seeds) - failed}/{len(args.seeds)} exactly once"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
