"""Count pages whose main text misses the article's lede (short articles lost in heavy chrome).

Run from the repository root:

    python benchmarks/main_text_lede.py tests/fixtures/blind-3/pages tests/fixtures/blind-4/pages [-v]

A page "misses its lede" when the first 300 characters of ``parse_article``'s text share fewer than
half of the title's content words (lower-cased words of 3+ letters, minus a few function words); the
title is the page's ``<h1>`` (the first one inside ``<article>``/``<main>``, else the first), or
``parse_article``'s title when the page has none. Empty text counts as a miss.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import pages  # noqa: E402

_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_STOP = {
    "the", "and", "for", "with", "from", "its", "that", "this", "into", "over", "after", "new", "are",
    "was", "has", "have", "will", "but", "not", "than", "out", "about", "per", "via", "amid", "says",
}  # fmt: skip


def content_words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOP}


def heading(html: str) -> str:
    tree = pages._tree(pages._prepare(html) or "<html></html>")
    found = tree.xpath("(//article//h1 | //main//h1)[1]") or tree.xpath("(//h1)[1]")
    return pages._text(found[0]) if found else ""


def misses_lede(html: str, url: str) -> tuple[bool, str, str]:
    article = pages.parse_article(html, url)
    title = heading(html) or article.title or ""
    want = content_words(title)
    got = content_words(article.text[:300])
    miss = not article.text or (bool(want) and len(want & got) < len(want) / 2)
    return miss, title, article.text[:120].replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="folders of .html pages")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the pages that miss")
    args = parser.parse_args()
    for folder in args.folders:
        files = sorted(folder.glob("*.html"))
        missed = []
        for path in files:
            miss, title, start = misses_lede(path.read_text(encoding="utf-8", errors="replace"), "")
            if miss:
                missed.append((path.name, title, start))
        print(f"{folder}: {len(missed)} of {len(files)} pages miss their lede")
        if args.verbose:
            for name, title, start in missed:
                print(f"  {name}\n    title: {title[:100]}\n    text:  {start}")


if __name__ == "__main__":
    main()
