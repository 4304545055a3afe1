"""Compare main-text extractors on the 27 corpus pages: boilerplate left in, body text lost, speed.

(For real pages nobody here wrote, see benchmarks/main_text_real_pages.py.)

Run from the repository root:  python benchmarks/main_text_compare.py [--runs N] [--verbose]

Expectations come from tests/fixtures/corpus_pages.jsonl (hand-written by reading each page): every
"chrome" string found in an extractor's text counts as boilerplate left in; every "body" string missing
counts as text lost. Strings are matched after whitespace is collapsed, so list markers and line breaks
in trafilatura's plain-text output do not count against it. Speed is the median, over repeated runs, of
the mean milliseconds per page; every approach gets one warm-up pass first.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from main_text_real_pages import BASELINE_REV, load_baseline  # noqa: E402

from extractors import pages  # noqa: E402  (needs the sys.path entry above)

CORPUS = ROOT / "cloudintel" / "corpus" / "pages"
FIXTURE = ROOT / "tests" / "fixtures" / "corpus_pages.jsonl"
BASE = "http://127.0.0.1:8765"  # what serve.py substitutes for {{BASE}}


def load_pages() -> list[tuple[dict[str, object], str, str]]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for row in rows:
        html = (CORPUS / f"{row['page']}.html").read_text(encoding="utf-8").replace("{{BASE}}", BASE)
        out.append((row, html, f"{BASE}/pages/{row['page']}.html"))
    return out


# --- approaches ---------------------------------------------------------------------------------------

_BASELINE = load_baseline(BASELINE_REV)


def bs4_heuristics(html: str, url: str) -> str:
    """The former extractor (BeautifulSoup(lxml) + general chrome heuristics), as of BASELINE_REV."""
    return _BASELINE.parse_article(html, url).text


def pages_main_text(html: str, url: str) -> str:
    """extractors/pages.py now: trafilatura on the lxml tree, in-body prune and inline filters."""
    prepared = pages._prepare(html)
    return pages._main_text(pages._tree(prepared), None, url, pages._CHOSEN) if prepared else ""


def pages_parse_article(html: str, url: str) -> str:
    """The full public call (text plus title, date, canonical URL, author), for reference."""
    return pages.parse_article(html, url).text


def trafilatura_with(**options: object) -> Callable[[str, str], str]:
    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url, include_comments=False, **options) or ""  # type: ignore[arg-type]

    return run


def trafilatura_filtered(html: str, url: str) -> str:
    """trafilatura (tables on) plus the same "See also"/CTA line filter pages.py applies to its blocks."""
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""
    kept = [
        line
        for line in text.splitlines()
        if not pages._SEE_ALSO_RE.match(line.lstrip("- ")) and not pages._CTA_RE.match(line.lstrip("- "))
    ]
    return "\n".join(kept)


APPROACHES: dict[str, Callable[[str, str], str]] = {
    f"bs4 heuristics (pages.py at {BASELINE_REV}, all fields)": bs4_heuristics,
    "pages.py now: main text only": pages_main_text,
    "pages.py now: parse_article (all fields)": pages_parse_article,
    "trafilatura default": trafilatura_with(include_tables=True),
    "trafilatura favor_precision": trafilatura_with(include_tables=True, favor_precision=True),
    "trafilatura favor_recall": trafilatura_with(include_tables=True, favor_recall=True),
    "trafilatura fast (no fallback)": trafilatura_with(include_tables=True, fast=True),
    "trafilatura + See-also/CTA line filter": trafilatura_filtered,
}


# --- measurement -------------------------------------------------------------------------------------


def collapse(text: str) -> str:
    return " ".join(text.split())


def quality(
    fn: Callable[[str, str], str], data: list[tuple[dict[str, object], str, str]], verbose: bool
) -> dict[str, int]:
    leaked = leak_pages = lost = lost_pages = 0
    for row, html, url in data:
        text = collapse(fn(html, url))
        chrome = [c for c in row["chrome"] if collapse(c) in text]  # type: ignore[attr-defined]
        missing = [b for b in row["body"] if collapse(b) not in text]  # type: ignore[attr-defined]
        leaked += len(chrome)
        lost += len(missing)
        leak_pages += bool(chrome)
        lost_pages += bool(missing)
        if verbose and (chrome or missing):
            print(f"    {row['page']}: chrome={chrome} missing={[m[:50] for m in missing]}")
    return {"leaked": leaked, "leak_pages": leak_pages, "lost": lost, "lost_pages": lost_pages}


def speed(
    fn: Callable[[str, str], str], data: list[tuple[dict[str, object], str, str]], runs: int
) -> tuple[float, float, float]:
    for _, html, url in data:  # warm-up (imports, caches)
        fn(html, url)
    per_page = []
    for _ in range(runs):
        start = time.perf_counter()
        for _, html, url in data:
            fn(html, url)
        per_page.append((time.perf_counter() - start) * 1000 / len(data))
    return statistics.median(per_page), min(per_page), max(per_page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed passes over the corpus (default 15)")
    parser.add_argument("--verbose", action="store_true", help="list leaked/missing strings per page")
    args = parser.parse_args()

    data = load_pages()
    n_chrome = sum(len(row["chrome"]) for row, _, _ in data)  # type: ignore[arg-type]
    n_body = sum(len(row["body"]) for row, _, _ in data)  # type: ignore[arg-type]
    print(f"{len(data)} pages, {n_chrome} chrome strings, {n_body} body strings; {args.runs} timed runs")
    print(f"python {platform.python_version()}, trafilatura {trafilatura.__version__}, {platform.machine()}")
    table = [["approach", "chrome strings left in", "body strings lost", "ms/page, median (min-max)"]]
    for name, fn in APPROACHES.items():
        if args.verbose:
            print(f"  {name}")
        q = quality(fn, data, args.verbose)
        median, low, high = speed(fn, data, args.runs)
        table.append(
            [
                name,
                f"{q['leaked']}/{n_chrome} ({q['leak_pages']} pages)",
                f"{q['lost']}/{n_body} ({q['lost_pages']} pages)",
                f"{median:.2f} ({low:.2f}-{high:.2f})",
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    print()
    for i, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


if __name__ == "__main__":
    main()
