"""Market scope on general web pages (issue 14 item 4): Mozilla Readability's 130 real test pages
(../shared/real-pages, general news, blogs and docs; none about a compute deal the guide would
label) through main text, event detection with the learned judge and the organization recognizer.
Every event found is a false one; prints how many, and each with its evidence, for review.

    python benchmarks/general_news_scope.py [PAGES_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.entities import OrganizationIndex  # noqa: E402
from extractors.events import detect_events  # noqa: E402
from extractors.org_recognizer import OrgRecognizer  # noqa: E402
from extractors.pages import parse_article  # noqa: E402
from models.artifacts import load_detector  # noqa: E402

PAGES = ROOT.parent / "shared" / "real-pages" / "readability-test-pages"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PAGES
    orgs = OrganizationIndex.load()
    judge, recognizer = load_detector(), OrgRecognizer(orgs)
    pages = sorted(folder.glob("*/source.html"))
    found = []
    for page in pages:
        article = parse_article(page.read_bytes(), f"http://127.0.0.1/{page.parent.name}/")
        for event in detect_events(
            article.title or "", article.text, article.published, orgs, judge, recognizer
        ):
            found.append((page.parent.name, event))
    print(f"{len(pages)} pages, {len(found)} events")
    for name, event in found:
        print(f"  {name}: {event.type} {event.parties} | {event.evidence[:140]}")


if __name__ == "__main__":
    main()
