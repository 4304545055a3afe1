"""Whether two checkouts extract the same events: `detect_events` over every article page of the
sample, held-out and relationships corpora (main text parsed by extractors.pages.parse_article), with
the trigger patterns alone, with the learned sentence judge, and with the judge and the organization
recognizer (as flows/analysis.py builds them), compared candidate by candidate, and the judge's
verdicts on the sentences detect_events asks it about (confidences compared as exact floats).

    python benchmarks/extraction_equivalence.py --against /tmp/wt-speed-base
    python benchmarks/extraction_equivalence.py --code DIR --output candidates.json

The pages always come from this checkout; the code (extractors, models, the shipped detector) from
`--code` (default: this checkout). `--against DIR` runs the same extraction with DIR's code in a
child process and prints every page whose candidates differ; the exit status is 1 if any does.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [
    ROOT / "cloudintel" / "corpus",
    ROOT / "tests" / "fixtures" / "heldout-corpus",
    ROOT / "tests" / "fixtures" / "relationships",
]
CONFIGURATIONS = ("patterns", "judge", "judge+recognizer", "verdicts")


class _Recording:
    """The judge, recording each verdict it gives (type, confidence, status, status confidence)."""

    def __init__(self, judge: Any) -> None:
        self.judge = judge
        self.verdicts: list[list[str]] = []

    def __call__(self, sentences: Any, headline: str) -> Any:
        verdicts = self.judge(sentences, headline)
        self.verdicts += [[v.type, repr(v.confidence), v.status, repr(v.status_confidence)] for v in verdicts]
        return verdicts


def extract(code: Path) -> dict[str, Any]:
    """Every page's candidates under each configuration, with `code`'s extractors and models."""
    sys.path.insert(0, str(code))
    from extractors.entities import OrganizationIndex
    from extractors.events import detect_events
    from extractors.org_recognizer import OrgRecognizer
    from extractors.pages import parse_article
    from models.artifacts import load_detector

    for module in ("extractors.events", "extractors.org_recognizer", "models.detection"):
        used = Path(sys.modules[module].__file__ or "").resolve()
        if not used.is_relative_to(code.resolve()):
            raise SystemExit(f"{module} came from {used}, not from {code}")
    orgs = OrganizationIndex.load()
    judge = _Recording(load_detector())
    recognizer = OrgRecognizer(orgs)
    parts = {"patterns": (None, None), "judge": (judge, None), "judge+recognizer": (judge, recognizer)}
    pages: dict[str, Any] = {}
    for corpus in CORPORA:
        for page in sorted((corpus / "pages").glob("*.html")):
            article = parse_article(page.read_bytes(), f"http://127.0.0.1/{page.name}")
            key = str(page.relative_to(ROOT))
            judge.verdicts = []
            pages[key] = {
                name: [
                    _plain(c)
                    for c in detect_events(article.title or "", article.text, article.published, orgs, j, r)
                ]
                for name, (j, r) in parts.items()
            }
            pages[key]["verdicts"] = judge.verdicts
    return {"code": str(code), "pages": pages}


def _plain(candidate: object) -> dict[str, Any]:
    return json.loads(json.dumps(dataclasses.asdict(candidate), default=str))  # type: ignore[call-overload]


def compare(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Print what differs; the number of (page, configuration) pairs that differ."""
    differing = 0
    events = {name: 0 for name in CONFIGURATIONS}
    for page in sorted(set(before["pages"]) | set(after["pages"])):
        old, new = before["pages"].get(page, {}), after["pages"].get(page, {})
        for name in CONFIGURATIONS:
            events[name] += len(new.get(name, []))
            if old.get(name) != new.get(name):
                differing += 1
                print(f"DIFFERENT {page} [{name}]")
                print(f"  {before['code']}: {json.dumps(old.get(name), indent=None)}")
                print(f"  {after['code']}: {json.dumps(new.get(name), indent=None)}")
    pages = len(after["pages"])
    print(
        f"{pages} pages; candidates "
        + ", ".join(f"{name}: {events[name]}" for name in CONFIGURATIONS[:3])
        + f"; judge verdicts: {events['verdicts']}; {differing} (page, comparison) pairs differ "
        f"({before['code']} -> {after['code']})"
    )
    return differing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code extracts")
    parser.add_argument("--output", type=Path, help="write the candidates here (JSON)")
    parser.add_argument("--against", type=Path, help="another checkout to compare this one with")
    args = parser.parse_args()
    if args.against is None:
        result = extract(args.code)
        text = json.dumps(result, indent=1, sort_keys=True)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            print(text)
        return
    with tempfile.TemporaryDirectory() as folder:
        outputs = []
        for code in (args.against, args.code):
            out = Path(folder) / f"{len(outputs)}.json"
            command = [sys.executable, __file__, "--code", str(code.resolve()), "--output", str(out)]
            subprocess.run(command, check=True, cwd=code)
            outputs.append(json.loads(out.read_text(encoding="utf-8")))
    sys.exit(1 if compare(*outputs) else 0)


if __name__ == "__main__":
    main()
