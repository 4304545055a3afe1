"""Event detection learned from labelled sentences (models/data/detection, README there): whether a
sentence states a new event, of which type, and with which status.

A scikit-learn Pipeline over a sentence and its place in the article: word and character n-grams of
the sentence, the same of its headline, and what extractors/quantities.py finds in it (sums, power,
chips, percentages). Two classifiers: the type (`none`, `partnership`, `capacity`, `pricing`) over
every sentence, the status (`announced`, `reported`, `in_talks`) over event sentences. Quality is
measured by cross-validation grouped by article (`cross_validate`), so no article's sentences are
both trained on and scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from core.errors import ConfigError
from core.vocabulary import EVENT_TYPES, STATUSES
from extractors.events import Verdict
from extractors.quantities import find_chips, find_money, find_percents, find_power

CORPUS = Path(__file__).resolve().parent / "data" / "detection"
NONE = "none"
LABELS = (NONE, *EVENT_TYPES)


@dataclass(frozen=True)
class LabelledSentence:
    """One sentence of an article with its labels."""

    article: str
    style: str
    text: str
    headline: str
    is_headline: bool
    position: int
    label: str
    status: str | None
    negative: str | None


def load_corpus(folder: Path = CORPUS) -> list[LabelledSentence]:
    """Every labelled sentence of the corpus files in `folder`; a bad row names file and line."""
    sentences: list[LabelledSentence] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                article = json.loads(line)
                headline = article["sentences"][0]["text"]
                sentences += [
                    LabelledSentence(
                        article["id"],
                        article["style"],
                        s["text"],
                        headline,
                        bool(s["headline"]),
                        position,
                        s["label"],
                        s["status"],
                        s["negative"],
                    )
                    for position, s in enumerate(article["sentences"])
                ]
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise ConfigError(f"{path}:{number}: not a labelled article ({exc!r})") from exc
    return sentences


def record(text: str, headline: str, is_headline: bool, position: int) -> dict[str, Any]:
    """What the classifiers read of one sentence."""
    return {"text": text, "headline": headline, "is_headline": is_headline, "position": position}


def _texts(records: Sequence[Mapping[str, Any]]) -> list[str]:
    return [r["text"] for r in records]


def _headlines(records: Sequence[Mapping[str, Any]]) -> list[str]:
    return [r["headline"] for r in records]


def _facts(records: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
    rows = []
    for r in records:
        text = r["text"]
        rows.append(
            {
                "money": float(any(m.value >= 1e6 for m in find_money(text))),
                "power": float(bool(find_power(text))),
                "chips": float(any(c.count for c in find_chips(text))),
                "percent": float(bool(find_percents(text))),
                "headline": float(r["is_headline"]),
                f"position={min(r['position'], 4)}": 1.0,
            }
        )
    return rows


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                Pipeline(
                    [
                        ("select", FunctionTransformer(_texts)),
                        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                    ]
                ),
            ),
            (
                "characters",
                Pipeline(
                    [
                        ("select", FunctionTransformer(_texts)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="char_wb",
                                ngram_range=(3, 5),
                                min_df=3,
                                sublinear_tf=True,
                                max_features=60_000,
                            ),
                        ),
                    ]
                ),
            ),
            (
                "headline",
                Pipeline(
                    [
                        ("select", FunctionTransformer(_headlines)),
                        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                    ]
                ),
            ),
            ("facts", Pipeline([("select", FunctionTransformer(_facts)), ("vector", DictVectorizer())])),
        ]
    )


def sentence_pipeline() -> Pipeline:
    """Sentence features → a class-balanced logistic regression: the type classifier (none /
    partnership / capacity / pricing, over every sentence) and the status classifier (announced /
    reported / in_talks, over event sentences) are each one of these."""
    return Pipeline(
        [
            ("features", _features()),
            ("classify", LogisticRegression(C=8.0, max_iter=5000, class_weight="balanced")),
        ]
    )


class SentenceDetector:
    """The type and status classifiers together: `extractors.events.SentenceJudge` for the pipeline."""

    def __init__(self, type_model: Pipeline, status_model: Pipeline) -> None:
        self.type_model = type_model
        self.status_model = status_model

    @classmethod
    def train(cls, sentences: Sequence[LabelledSentence]) -> SentenceDetector:
        events = [s for s in sentences if s.label != NONE]
        return cls(
            sentence_pipeline().fit(records_of(sentences), [s.label for s in sentences]),
            sentence_pipeline().fit(records_of(events), [s.status for s in events]),
        )

    def __call__(self, sentences: Sequence[str], headline: str) -> list[Verdict]:
        """A verdict per sentence of one article; `sentences[0]` is its headline."""
        if not sentences:
            return []
        records = [record(text, headline, i == 0, i) for i, text in enumerate(sentences)]
        types = self.type_model.predict_proba(records)
        kinds = [str(self.type_model.classes_[t.argmax()]) for t in types]
        events = [
            i for i, kind in enumerate(kinds) if kind != NONE
        ]  # the status of events only: half the cost
        statuses = (
            dict(zip(events, self.status_model.predict_proba([records[i] for i in events]), strict=True))
            if events
            else {}
        )
        verdicts = []
        for i, (kind, t) in enumerate(zip(kinds, types, strict=True)):
            s = statuses.get(i)
            status, sure = (
                ("announced", 0.0)
                if s is None
                else (str(self.status_model.classes_[s.argmax()]), float(s.max()))
            )
            verdicts.append(Verdict(kind, float(t.max()), status, sure))
        return verdicts

    def parts(self) -> dict[str, Pipeline]:
        """What is saved (skops stores plain pipelines; the class is rebuilt on load)."""
        return {"type": self.type_model, "status": self.status_model}


def records_of(sentences: Iterable[LabelledSentence]) -> list[dict[str, Any]]:
    return [record(s.text, s.headline, s.is_headline, s.position) for s in sentences]


def cross_validate(sentences: Sequence[LabelledSentence], folds: int = 5) -> dict[str, Any]:
    """Type and status predictions of 5 folds grouped by article, scored against the labels."""
    groups = [s.article for s in sentences]
    predicted = np.empty(len(sentences), dtype=object)
    status_predicted: dict[int, str] = {}
    for train_index, test_index in GroupKFold(n_splits=folds).split(sentences, groups=groups):
        train = [sentences[i] for i in train_index]
        test = [sentences[i] for i in test_index]
        model = sentence_pipeline().fit(records_of(train), [s.label for s in train])
        predicted[test_index] = model.predict(records_of(test))
        events = [s for s in train if s.label != NONE]
        status = sentence_pipeline().fit(records_of(events), [s.status for s in events])
        test_events = [i for i in test_index if sentences[i].label != NONE]
        if test_events:
            guesses = status.predict(records_of(sentences[i] for i in test_events))
            status_predicted.update(zip(test_events, guesses, strict=True))
    return _report(sentences, list(predicted), status_predicted)


def _report(
    sentences: Sequence[LabelledSentence], predicted: list[str], status_predicted: dict[int, str]
) -> dict[str, Any]:
    truth = [s.label for s in sentences]
    is_event = [t != NONE for t in truth]
    said_event = [p != NONE for p in predicted]
    p, r, f, _ = precision_recall_fscore_support(is_event, said_event, average="binary", zero_division=0)
    negatives: dict[str, list[int]] = {}
    for s, guess in zip(sentences, predicted, strict=True):
        if s.negative:
            negatives.setdefault(s.negative, []).append(int(guess != NONE))
    styles: dict[str, list[tuple[str, str]]] = {}
    for s, guess in zip(sentences, predicted, strict=True):
        styles.setdefault(s.style, []).append((s.label, guess))
    return {
        "predicted": predicted,
        "sentences": len(sentences),
        "articles": len({s.article for s in sentences}),
        "event_sentences": sum(is_event),
        "event": {"precision": round(float(p), 3), "recall": round(float(r), 3), "f1": round(float(f), 3)},
        "type_report": classification_report(truth, predicted, labels=list(LABELS), zero_division=0),
        "type_accuracy_on_events": round(
            float(np.mean([g == t for t, g in zip(truth, predicted, strict=True) if t != NONE])), 3
        ),
        "status_accuracy": round(
            float(np.mean([sentences[i].status == g for i, g in status_predicted.items()])), 3
        ),
        "status_labels": list(STATUSES),
        "hard_negatives_called_events": {
            kind: f"{sum(v)}/{len(v)}" for kind, v in sorted(negatives.items(), key=lambda kv: -len(kv[1]))
        },
        "event_f1_by_style": {
            style: round(
                float(
                    precision_recall_fscore_support(
                        [t != NONE for t, _ in pairs],
                        [g != NONE for _, g in pairs],
                        average="binary",
                        zero_division=0,
                    )[2]
                ),
                3,
            )
            for style, pairs in sorted(styles.items())
        },
    }
