"""CPU cost of event extraction per article (issue 14's budget: at most 15 ms on average): the
trigger patterns alone, with the learned sentence judge (models/shipped/detector.*), and with the
judge and the organization recognizer (spaCy NER on the sentences that can hold an event), on the
article pages of the sample, held-out and relationships corpora (main text parsed first, not timed).

    python benchmarks/event_extraction_speed.py [--repeat 3]

Prints CPU ms per article (process time, best of --repeat passes over all articles), the one-off
cost of loading the judge, and the machine's load average (CPU time per article grows on a loaded
machine: caches and cores are shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.entities import OrganizationIndex  # noqa: E402
from extractors.events import detect_events  # noqa: E402
from extractors.org_recognizer import OrgRecognizer  # noqa: E402
from extractors.pages import parse_article  # noqa: E402
from models.artifacts import load_detector  # noqa: E402

CORPORA = [
    ROOT / "cloudintel" / "corpus",
    ROOT / "tests" / "fixtures" / "heldout-corpus",
    ROOT / "tests" / "fixtures" / "relationships",
]


def articles() -> list[tuple[str, str, object]]:
    found = []
    for corpus in CORPORA:
        for page in sorted((corpus / "pages").glob("*.html")):
            article = parse_article(page.read_bytes(), f"http://127.0.0.1/{page.name}")
            found.append((article.title or "", article.text, article.published))
    return found


def cpu_ms_per_article(
    items: list, orgs: OrganizationIndex, judge: object, recognizer: object, repeat: int
) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for title, text, published in items:
            detect_events(title, text, published, orgs, judge, recognizer)  # type: ignore[arg-type]
        best = min(best, time.process_time() - started)
    return 1000 * best / len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    orgs = OrganizationIndex.load()
    items = articles()
    started = time.process_time()
    judge = load_detector()
    load_s = time.process_time() - started
    recognizer = OrgRecognizer(orgs)
    recognizer.find("Warm-up: spaCy loads once per process.")
    rules = cpu_ms_per_article(items, orgs, None, None, repeat)
    learned = cpu_ms_per_article(items, orgs, judge, None, repeat)
    both = cpu_ms_per_article(items, orgs, judge, recognizer, repeat)
    load = os.getloadavg()[0]
    print(
        "| articles | patterns alone | + judge | + judge + recognizer (CPU ms/article) | judge load, CPU s "
        "| load average |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(items)} | {rules:.2f} | {learned:.2f} | {both:.2f} | {load_s:.2f} | {load:.1f} |")


if __name__ == "__main__":
    main()
