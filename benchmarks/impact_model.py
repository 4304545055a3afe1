"""Time training the impact model and scoring events with it (2-core figures for docs/benchmarks.md).

python benchmarks/impact_model.py [--events 20000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.entities import OrganizationIndex  # noqa: E402
from models.artifacts import save  # noqa: E402
from models.judge import ImpactJudge  # noqa: E402
from models.training import evaluate, load_examples, train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events to score")
    args = parser.parse_args()
    orgs = OrganizationIndex.load()
    examples, data_hash = load_examples()
    model, seconds = train(examples, orgs)
    test = [e for e in examples if e.split == "test"]
    metrics = evaluate(model, test, orgs)
    with tempfile.TemporaryDirectory() as folder:
        save(model, Path(folder), data_hash, {})
        judge = ImpactJudge.load(Path(folder), orgs)
    batch = [(e.facts, e.title, e.evidence) for e in examples] * (args.events // len(examples) + 1)
    batch = batch[: args.events]
    started = time.perf_counter()
    judge.judge(batch)
    scoring = time.perf_counter() - started
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| what | figure |\n|---|---|")
    print(f"| training ({len(examples) - len(test)} events, level + themes pipelines) | {seconds:.1f} s |")
    print(
        f"| scoring {args.events:,} events in one batch (features + both pipelines) | "
        f"{scoring:.2f} s = {args.events / scoring:,.0f} events/s |"
    )
    for name in ("model", "rules"):
        m = metrics[name]
        print(
            f"| held-out ({len(test)} events), {name}: level accuracy / macro-F1 / themes micro-F1 | "
            f"{m['level_accuracy']:.3f} / {m['level_macro_f1']:.3f} / {m['themes_micro_f1']:.3f} |"
        )


if __name__ == "__main__":
    main()
