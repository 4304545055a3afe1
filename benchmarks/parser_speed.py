"""Time the parsers on the inputs their tests once timed: the quantity finders on a long pathological
string and on each sample corpus page, OrganizationIndex.find on 1 MB of corpus text, and training the
impact model. The tests check what these return (tests/extractors, tests/models); speed is measured here.

    python benchmarks/parser_speed.py [--repeat 3]

Each figure is the best of --repeat runs (training runs once). The last column is the limit the timed
tests used to assert. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.entities import OrganizationIndex  # noqa: E402
from extractors.quantities import find_chips, find_durations, find_money, find_percents, find_power  # noqa: E402
from models.training import load_examples, train  # noqa: E402
from tests.extractors.test_quantities import LONG_RUNS  # noqa: E402  (the input its behaviour test checks)

PAGES = sorted((ROOT / "cloudintel" / "corpus" / "pages").glob("*.html"))
FINDERS = [find_money, find_power, find_chips, find_durations, find_percents]


def best(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in seconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def all_finders(text: str) -> Callable[[], None]:
    def run() -> None:
        for finder in FINDERS:
            finder(text)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    args = parser.parse_args()
    htmls = [page.read_text(encoding="utf-8") for page in PAGES]

    long_runs = best(args.repeat, all_finders(LONG_RUNS))
    per_page = [best(args.repeat, all_finders(BeautifulSoup(html, "lxml").get_text())) for html in htmls]

    orgs = OrganizationIndex.load()
    text = BeautifulSoup("".join(htmls), "html.parser").get_text(" ")
    megabyte = (text * (1_000_000 // len(text) + 1))[:1_000_000]
    find = best(args.repeat, lambda: orgs.find(megabyte))

    examples, _ = load_examples()
    _, training = train(examples, orgs)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| what | figure | former test limit |\n|---|---|---|")
    print(
        f"| 5 quantity finders, pathological string ({len(LONG_RUNS):,} chars) | {long_runs:.2f} s | < 2 s |"
    )
    print(
        f"| 5 quantity finders, per corpus page ({len(PAGES)} pages): median / slowest | "
        f"{statistics.median(per_page) * 1000:.1f} / {max(per_page) * 1000:.1f} ms | < 50 ms each |"
    )
    print(f"| OrganizationIndex.find, 1 MB of corpus text | {find:.2f} s = {1 / find:.1f} MB/s | < 2 s |")
    rows = sum(e.split != "test" for e in examples)
    print(f"| impact model training ({rows} events, level + themes pipelines) | {training:.1f} s | < 60 s |")


if __name__ == "__main__":
    main()
