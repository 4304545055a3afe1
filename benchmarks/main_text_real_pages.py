"""Score main-text extractors on real pages nobody here wrote: Mozilla Readability's 130 test pages.

Run from the repository root:

    python benchmarks/main_text_real_pages.py ../shared/real-pages/readability-test-pages [--runs N]

Each page folder holds ``source.html`` (the page as fetched), ``expected.html`` (the article body
Readability extracts, reviewed by its maintainers) and ``expected-metadata.json`` (title,
``publishedTime`` where known). For every approach the script reports, as means over pages:

- token-shingle precision / recall / F1 of the extracted text against the text of ``expected.html``
  (word tokens, lower-cased, shingles of 4 consecutive tokens counted as a multiset, the usual
  article-extraction benchmark metric; a page with fewer than 4 tokens is scored on its tokens);
- bag-of-tokens F1 (single tokens, multiset), less sensitive to block order and joins;
- title accuracy (whitespace-collapsed, case-folded exact match) where the metadata gives a title,
  and date accuracy where it gives ``publishedTime`` (same instant; same calendar day, UTC);
- speed: pages per second of wall time and CPU ms per page (process time), medians over ``--runs``
  passes after a warm-up pass, one process, one core.

``--corpus`` also scores the 27 sample-corpus pages for chrome strings left in and body strings lost
(tests/fixtures/corpus_pages.jsonl), the project's zero-leak requirement.

The "before" extractor is ``extractors/pages.py`` as of ``--baseline-rev`` (read with ``git show``, so
the old BeautifulSoup heuristics stay measurable after the product code moved on).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import htmldate
import lxml
import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import pages  # noqa: E402  (needs the sys.path entry above)

BASELINE_REV = "c875148"  # the last commit with the BeautifulSoup-only main text
CORPUS = ROOT / "cloudintel" / "corpus" / "pages"
FIXTURE = ROOT / "tests" / "fixtures" / "corpus_pages.jsonl"
BASE = "http://127.0.0.1:8765"
_WORD_RE = re.compile(r"\w+")


@dataclass
class Result:
    text: str
    title: str | None = None
    published: datetime | None = None


Approach = Callable[[str, str], Result]


# --- approaches -------------------------------------------------------------------------------------


def load_baseline(rev: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{rev}:extractors/pages.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "pages_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("pages_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pages_baseline"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def article_approach(module: ModuleType) -> Approach:
    def run(html: str, url: str) -> Result:
        article = module.parse_article(html, url)
        return Result(article.text, article.title, article.published)

    return run


def trafilatura_with(**options: object) -> Approach:
    def run(html: str, url: str) -> Result:
        text = trafilatura.extract(html, url=url, include_comments=False, **options)  # type: ignore[arg-type]
        return Result(text or "")

    return run


def trafilatura_with_metadata(html: str, url: str) -> Result:
    """trafilatura's own title and date too (bare_extraction, favor_precision, no comments)."""
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, favor_precision=True, with_metadata=True
    )
    if doc is None:
        return Result("")
    published = None
    if doc.date:
        published = datetime.fromisoformat(doc.date).replace(tzinfo=UTC)
    return Result(doc.text or "", doc.title, published)


def htmldate_only(extensive: bool) -> Approach:
    """Dates alone, from htmldate on the page (the pages.py fallback, measured without the metadata)."""

    def run(html: str, url: str) -> Result:
        found = htmldate.find_date(
            lxml.html.fromstring(html),
            extensive_search=extensive,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
            url=url,
        )
        return Result("", None, pages.parse_date(found) if found else None)

    return run


# --- scoring ----------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def shingles(words: list[str], n: int) -> Counter[tuple[str, ...]]:
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def prf(got: Counter, want: Counter) -> tuple[float, float, float]:
    if not got and not want:
        return 1.0, 1.0, 1.0
    if not got or not want:
        return 0.0, 0.0, 0.0
    common = sum((got & want).values())
    precision, recall = common / sum(got.values()), common / sum(want.values())
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def expected_text(folder: Path) -> str:
    tree = lxml.html.fromstring((folder / "expected.html").read_bytes())
    return " ".join(tree.itertext())


@dataclass
class RealPage:
    name: str
    html: str
    url: str
    want: list[str]
    title: str | None
    published: datetime | None


def load_real(root: Path) -> list[RealPage]:
    out = []
    for folder in sorted(p for p in root.iterdir() if (p / "source.html").is_file()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        raw = (folder / "source.html").read_bytes()
        published = None
        if meta.get("publishedTime"):
            published = pages.parse_date(meta["publishedTime"]) or _loose_date(meta["publishedTime"])
        out.append(
            RealPage(
                folder.name,
                raw.decode("utf-8", errors="replace"),  # the test pages are UTF-8
                f"http://fakehost/test/{folder.name}/",  # Readability's tests use this base URL
                tokens(expected_text(folder)),
                meta.get("title"),
                published,
            )
        )
    return out


def _loose_date(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _norm_title(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def score_real(fn: Approach, data: list[RealPage], verbose: bool) -> dict[str, float]:
    sums = Counter()  # type: Counter[str]
    titles = title_ok = dates = date_exact = date_day = date_none = 0
    for page in data:
        result = fn(page.html, page.url)
        got = tokens(result.text)
        p4, r4, f4 = prf(shingles(got, 4), shingles(page.want, 4))
        _, _, f1 = prf(Counter(got), Counter(page.want))
        sums["p"] += p4
        sums["r"] += r4
        sums["f"] += f4
        sums["tf"] += f1
        if verbose:
            print(f"    {page.name:45s} P {p4:.3f} R {r4:.3f} F1 {f4:.3f}")
        if page.title:
            titles += 1
            title_ok += _norm_title(result.title) == _norm_title(page.title)
        if page.published:
            dates += 1
            if result.published is None:
                date_none += 1
            else:
                date_exact += result.published == page.published
                date_day += result.published.date() == page.published.date()
    n = len(data)
    return {
        "p": sums["p"] / n,
        "r": sums["r"] / n,
        "f": sums["f"] / n,
        "tf": sums["tf"] / n,
        "title": title_ok / titles if titles else 0.0,
        "titles": titles,
        "date_exact": date_exact,
        "date_day": date_day,
        "date_none": date_none,
        "dates": dates,
    }


def speed(fn: Approach, items: list[tuple[str, str]], runs: int) -> tuple[float, float]:
    """(pages per second of wall time, CPU ms per page), medians over runs after one warm-up."""
    for html, url in items:
        fn(html, url)
    rates, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for html, url in items:
            fn(html, url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rates.append(len(items) / wall)
        cpus.append(cpu * 1000 / len(items))
    return statistics.median(rates), statistics.median(cpus)


def score_corpus(fn: Approach) -> tuple[int, int, int, int]:
    leaked = lost = n_chrome = n_body = 0
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        html = (CORPUS / f"{row['page']}.html").read_text(encoding="utf-8").replace("{{BASE}}", BASE)
        text = " ".join(fn(html, f"{BASE}/pages/{row['page']}.html").text.split())
        leaked += sum(" ".join(c.split()) in text for c in row["chrome"])
        lost += sum(" ".join(b.split()) not in text for b in row["body"])
        n_chrome += len(row["chrome"])
        n_body += len(row["body"])
    return leaked, n_chrome, lost, n_body


def approaches(baseline: ModuleType) -> dict[str, Approach]:
    found: dict[str, Approach] = {
        f"bs4 heuristics (pages.py at {BASELINE_REV})": article_approach(baseline),
        "trafilatura default": trafilatura_with(),
        "trafilatura favor_precision": trafilatura_with(favor_precision=True),
        "trafilatura favor_precision, no tables": trafilatura_with(
            favor_precision=True, include_tables=False
        ),
        "trafilatura favor_recall": trafilatura_with(favor_recall=True),
        "trafilatura fast": trafilatura_with(fast=True),
        "trafilatura favor_precision + own metadata": trafilatura_with_metadata,
    }
    found.update({f"pages.py now: {name}": fn for name, fn in current_variants().items()})
    return found


def current_variants() -> dict[str, Approach]:
    """The product's parse_article (lxml metadata + trafilatura + in-body filters), and its variants."""
    variants: dict[str, Approach] = {"parse_article (chosen)": article_approach(pages)}
    options = pages._Options
    for name, chosen in {  # every option spelled out, so the rows do not move with pages.py's default
        "precision, no prune, no filters": options("none", "none", "precision"),
        "precision, prune all marks, inline filters": options("all", "inline", "precision"),
        "precision, prune all marks, inline+linked": options("all", "inline+linked", "precision"),
        "unbiased, no prune, no filters": options("none", "none", "balanced"),
        "unbiased, prune all marks, inline filters": options("all", "inline", "balanced"),
        "unbiased, prune all marks, inline+linked": options("all", "inline+linked", "balanced"),
        "unbiased, prune in-body, inline+linked": options("in-body", "inline+linked", "balanced"),
        "unbiased, prune all marks, all filters": options("all", "all", "balanced"),
        "unbiased, prune all marks, inline+linked, no tables": options(
            "all", "inline+linked", "balanced", False
        ),
        "recall, prune all marks, inline+linked": options("all", "inline+linked", "recall"),
    }.items():

        def run(html: str, url: str, chosen: pages._Options = chosen) -> Result:
            article = pages._parse_article(html, url, chosen)
            return Result(article.text, article.title, article.published)

        variants[name] = run
    return variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="the readability-test-pages folder")
    parser.add_argument("--runs", type=int, default=3, help="timed passes (default 3)")
    parser.add_argument("--only", default="", help="only approaches whose name contains this")
    parser.add_argument("--verbose", action="store_true", help="per-page scores")
    parser.add_argument("--dates", action="store_true", help="also htmldate alone, for date accuracy")
    args = parser.parse_args()

    data = load_real(args.pages)
    items = [(page.html, page.url) for page in data]
    size = statistics.mean(len(html.encode()) for html, _ in items) / 1024
    print(
        f"{len(data)} real pages (mean {size:.0f} KB), {sum(bool(p.title) for p in data)} with a title, "
        f"{sum(bool(p.published) for p in data)} with publishedTime; {args.runs} timed runs"
    )
    print(
        f"python {platform.python_version()}, trafilatura {trafilatura.__version__}, "
        f"htmldate {htmldate.__version__}, lxml {lxml.__version__}, {platform.machine()}"
    )
    chosen = approaches(load_baseline(BASELINE_REV))
    if args.dates:
        chosen["htmldate alone (extensive_search=False)"] = htmldate_only(False)
        chosen["htmldate alone (extensive_search=True)"] = htmldate_only(True)
    header = [
        "approach", "shingle F1", "P", "R", "token F1", "title ok", "date same instant / day / none",
        "pages/s", "CPU ms/page", "corpus chrome left in", "corpus body lost",
    ]  # fmt: skip
    table = [header]
    for name, fn in chosen.items():
        if args.only and args.only not in name:
            continue
        if args.verbose:
            print(f"  {name}")
        q = score_real(fn, data, args.verbose)
        rate, cpu = speed(fn, items, args.runs)
        leaked, n_chrome, lost, n_body = score_corpus(fn)
        table.append(
            [
                name,
                f"{q['f']:.3f}",
                f"{q['p']:.3f}",
                f"{q['r']:.3f}",
                f"{q['tf']:.3f}",
                f"{q['title']:.2f} of {q['titles']}",
                f"{q['date_exact']} / {q['date_day']} / {q['date_none']} of {q['dates']}",
                f"{rate:.1f}",
                f"{cpu:.1f}",
                f"{leaked}/{n_chrome}",
                f"{lost}/{n_body}",
            ]
        )
        print("  done:", " | ".join(table[-1]), flush=True)
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print()
    for i, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


if __name__ == "__main__":
    main()
