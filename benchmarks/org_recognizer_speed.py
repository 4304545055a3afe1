"""Speed, memory and quality of extractors.org_recognizer.OrgRecognizer.

    python benchmarks/org_recognizer_speed.py [--repeat 3]

Speed: every <p> of the sample corpus pages (cloudintel/corpus/pages, parsed with BeautifulSoup), split
into sentences by extractors.sentences; CPU time (time.process_time, this process) of find_many over all
sentences, best of --repeat, reported per sentence, per article of 12 sentences and as words per second;
plus the pure-NER part (nlp.pipe alone) and the CPU cost of the first call (loading spaCy). RSS: the
process's resident memory after loading (VmRSS), and before it.

Quality: tests/fixtures/org_sentences.jsonl (written by the author of the recognizer, not blind). Unknown
organizations are scored against a minimal list (EVAL_LIST below: six companies) so that nearly every
name in the sentences is unknown to it; precision and recall compare normalised names, any case. The
category accuracy counts the matched unknown organizations whose category the recognizer inferred as
written (None when the sentence does not describe the company). Prints Markdown for docs/organizations.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.entities import OrganizationIndex  # noqa: E402
from extractors.org_recognizer import OrgRecognizer  # noqa: E402
from extractors.sentences import split_sentences  # noqa: E402

PAGES = sorted((ROOT / "cloudintel" / "corpus" / "pages").glob("*.html"))
FIXTURE = ROOT / "tests" / "fixtures" / "org_sentences.jsonl"
ARTICLE = 12  # sentences per article
EVAL_LIST = """
organizations:
- name: Microsoft
  categories: [hyperscale_cloud]
  cloud_provider: true
- name: Amazon Web Services
  aliases: [AWS]
  categories: [hyperscale_cloud]
  cloud_provider: true
- name: Google
  categories: [hyperscale_cloud, ai_lab]
  cloud_provider: true
- name: OpenAI
  categories: [ai_lab]
  cloud_provider: false
- name: Nvidia
  categories: [chip_maker]
  cloud_provider: false
- name: CoreWeave
  categories: [gpu_cloud]
  cloud_provider: true
"""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def corpus_sentences() -> list[str]:
    out: list[str] = []
    for page in PAGES:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for para in soup.find_all("p"):
            out += split_sentences(para.get_text(" ", strip=True))
    return [s for s in out if s.strip()]


def speed(repeat: int) -> dict[str, float]:
    sentences = corpus_sentences()
    words = sum(len(s.split()) for s in sentences)
    before = rss_mb()
    recognizer = OrgRecognizer(OrganizationIndex.load())
    started = time.process_time()
    recognizer.find("Load the pipeline.")
    load_cpu = time.process_time() - started
    after = rss_mb()
    best = best_ner = float("inf")
    nlp = recognizer._pipeline()
    for _ in range(repeat):
        started = time.process_time()
        recognizer.find_many(sentences)
        best = min(best, time.process_time() - started)
        started = time.process_time()
        list(nlp.pipe(sentences, batch_size=64))
        best_ner = min(best_ner, time.process_time() - started)
    one_by_one = time.process_time()
    for sentence in sentences[:100]:
        recognizer.find(sentence)
    single = (time.process_time() - one_by_one) / min(100, len(sentences))
    # NER output of the NER-only pipeline against the full pipeline (tagger, parser, lemmatizer...)
    import spacy

    from extractors.org_recognizer import MODEL

    full = spacy.load(MODEL)
    slim = spacy.load(MODEL, exclude=[name for name in full.component_names if name != "ner"])
    same = sum(
        [(e.start_char, e.end_char, e.label_) for e in a.ents]
        == [(e.start_char, e.end_char, e.label_) for e in b.ents]
        for a, b in zip(full.pipe(sentences), slim.pipe(sentences), strict=True)
    )
    started = time.process_time()
    list(full.pipe(sentences, batch_size=64))
    full_cpu = time.process_time() - started
    return {
        "ner_same": f"{same} of {len(sentences)}",
        "full_ms_sentence": full_cpu / len(sentences) * 1000,
        "full_components": ", ".join(full.pipe_names),
        "pages": len(PAGES),
        "sentences": len(sentences),
        "words": words,
        "ms_sentence": best / len(sentences) * 1000,
        "ms_article": best / len(sentences) * ARTICLE * 1000,
        "ms_sentence_single": single * 1000,
        "words_s": words / best,
        "ner_ms_sentence": best_ner / len(sentences) * 1000,
        "load_cpu_s": load_cpu,
        "rss_before": before,
        "rss_after": after,
        "pipe_names": ", ".join(nlp.pipe_names),
    }


def quality(which: str | None = None) -> dict[str, float]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if which is None or row["set"] == which]
    index = OrganizationIndex.from_yaml(EVAL_LIST, "eval-list")
    recognizer = OrgRecognizer(index)
    found = recognizer.find_many([row["text"] for row in rows])
    tp = fp = fn = cat_right = cat_total = 0
    misses: list[str] = []
    extras: list[str] = []
    wrong_cat: list[str] = []
    for row, orgs in zip(rows, found, strict=True):
        expected = {o["name"].lower(): o["category"] for o in row["orgs"] if index.resolve(o["name"]) is None}
        predicted = {f.name.lower(): f.category for f in orgs if not f.known}
        for name, category in expected.items():
            if name in predicted:
                tp += 1
                cat_total += 1
                if predicted[name] == category:
                    cat_right += 1
                else:
                    wrong_cat.append(f"{name}: {predicted[name]} (expected {category})")
            else:
                fn += 1
                misses.append(name)
        for name in predicted.keys() - expected.keys():
            fp += 1
            extras.append(name)
    return {
        "sentences": len(rows),
        "expected": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "category_accuracy": cat_right / cat_total if cat_total else 0.0,
        "misses": ", ".join(sorted(misses)),
        "extras": ", ".join(sorted(extras)),
        "wrong_categories": "; ".join(sorted(wrong_cat)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    s = speed(args.repeat)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, pipeline: {s['pipe_names']}\n")
    print("| figure | value |\n|---|---|")
    print(f"| corpus | {s['pages']} pages, {s['sentences']} sentences, {s['words']} words |")
    print(f"| CPU per sentence (find_many) | {s['ms_sentence']:.2f} ms |")
    print(f"| CPU per article of {ARTICLE} sentences | {s['ms_article']:.1f} ms |")
    print(f"| CPU per sentence, one find() at a time | {s['ms_sentence_single']:.2f} ms |")
    print(f"| words per second (one core) | {s['words_s']:.0f} |")
    print(f"| of which spaCy's pipeline alone, per sentence | {s['ner_ms_sentence']:.2f} ms |")
    print(f"| first call (loads spaCy), CPU | {s['load_cpu_s']:.2f} s |")
    print(f"| RSS before / after loading | {s['rss_before']:.0f} MB / {s['rss_after']:.0f} MB |")
    print(f"| full pipeline ({s['full_components']}), per sentence | {s['full_ms_sentence']:.2f} ms |")
    print(f"| sentences whose entities are identical, NER-only vs full pipeline | {s['ner_same']} |")
    if not args.skip_quality:
        for which, title in (
            ("tuning", "sentences the rules were adjusted on"),
            ("frozen", "sentences written after the rules were frozen, scored once"),
            (None, "all"),
        ):
            q = quality(which)
            print(f"\n{title}:\n\n| unknown organizations | value |\n|---|---|")
            print(f"| sentences / expected unknown organizations | {q['sentences']} / {q['expected']} |")
            print(f"| found right / wrong / missed | {q['tp']} / {q['fp']} / {q['fn']} |")
            print(f"| precision | {q['precision']:.2f} |")
            print(f"| recall | {q['recall']:.2f} |")
            print(f"| category right (of found) | {q['category_accuracy']:.2f} |")
            print(
                f"\nmissed: {q['misses']}\n\nwrong: {q['extras']}\n\nwrong categories: {q['wrong_categories']}"
            )


if __name__ == "__main__":
    main()
