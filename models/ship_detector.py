"""Train the sentence detector on models/data/detection and ship it in models/shipped (`make ship-model`).

The card records its cross-validated quality (folds grouped by article) and the corpus's SHA-256.
"""

from __future__ import annotations

import hashlib

from models.artifacts import SHIPPED, save_detector
from models.detection import CORPUS, SentenceDetector, cross_validate, load_corpus


def corpus_sha256() -> str:
    digest = hashlib.sha256()
    for path in sorted(CORPUS.glob("*.jsonl")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    sentences = load_corpus()
    report = cross_validate(sentences)
    metrics = {
        "sentences": report["sentences"],
        "articles": report["articles"],
        "event": report["event"],
        "type_accuracy_on_events": report["type_accuracy_on_events"],
        "status_accuracy": report["status_accuracy"],
    }
    card = save_detector(SentenceDetector.train(sentences), SHIPPED, corpus_sha256(), metrics)
    print(f"shipped {card['version']}: {metrics}")


if __name__ == "__main__":
    main()
