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
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.extmath import softmax

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
    """The type and status classifiers together: `extractors.events.SentenceJudge` for the pipeline.

    Verdicts come from :class:`_FastPipeline`, which computes each pipeline's `predict_proba` with the
    same features and the same arithmetic (tests/models/test_detection.py checks they are equal) but
    analyses each sentence once for both classifiers, the headline once per article, and skips
    scikit-learn's per-call checks; a pipeline of another shape is run as it is.
    """

    def __init__(self, type_model: Pipeline, status_model: Pipeline) -> None:
        self.type_model = type_model
        self.status_model = status_model
        self._type_fast = _FastPipeline.of(type_model)
        self._status_fast = _FastPipeline.of(status_model)

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
        article = _Article(records)
        types = self._proba(self.type_model, self._type_fast, article, range(len(records)))
        kinds = [str(self.type_model.classes_[t.argmax()]) for t in types]
        events = [
            i for i, kind in enumerate(kinds) if kind != NONE
        ]  # the status of events only: half the cost
        statuses = (
            dict(zip(events, self._proba(self.status_model, self._status_fast, article, events), strict=True))
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

    @staticmethod
    def _proba(
        model: Pipeline, fast: _FastPipeline | None, article: _Article, rows: Sequence[int]
    ) -> np.ndarray:
        if fast is not None:
            return fast.predict_proba(article, rows)
        return model.predict_proba([article.records[i] for i in rows])  # type: ignore[no-any-return]

    def parts(self) -> dict[str, Pipeline]:
        """What is saved (skops stores plain pipelines; the class is rebuilt on load)."""
        return {"type": self.type_model, "status": self.status_model}


# --------------------------------------------------------------------------------------------------
# predict_proba of a fitted sentence_pipeline(), without scikit-learn's per-call overhead
# --------------------------------------------------------------------------------------------------

# The vectorizer parameters that decide what its analyzer yields (two vectorizers with equal values
# analyse a text alike, so the type and status classifiers share each sentence's analysis).
_ANALYSIS = (
    "input",
    "encoding",
    "decode_error",
    "strip_accents",
    "lowercase",
    "preprocessor",
    "tokenizer",
    "analyzer",
    "stop_words",
    "token_pattern",
    "ngram_range",
)
_Row = tuple[np.ndarray, np.ndarray]  # (columns, values) of one row of one block, columns ascending
_EMPTY: _Row = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64))


class _Article:
    """The records of one article and what has been computed of them, shared by both classifiers:
    each text's (for character n-grams, each word's) analysis, each text's row per vectorizer (the
    headline's once), each record's facts."""

    def __init__(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.records = records
        self._grams: dict[tuple[Any, str], list[str]] = {}
        self._rows: dict[tuple[int, str], _Row] = {}
        self._fact_rows: dict[int, dict[str, float]] = {}

    def grams(self, block: _TfidfBlock, unit: str) -> list[str]:
        """The n-grams of `unit` (a text, or a word of one for character n-grams), in order."""
        found = self._grams.get((block.key, unit))
        if found is None:
            found = self._grams[block.key, unit] = block.analyze(unit)
        return found

    def text_row(self, block: _TfidfBlock, text: str) -> _Row:
        found = self._rows.get((id(block), text))
        if found is None:
            found = self._rows[id(block), text] = block.compute(self, text)
        return found

    def facts(self, row: int) -> dict[str, float]:
        found = self._fact_rows.get(row)
        if found is None:
            found = self._fact_rows[row] = _facts([self.records[row]])[0]
        return found


class _TfidfBlock:
    """One fitted TfidfVectorizer of the feature union, computed as TfidfVectorizer.transform does:
    counts, 1 + log(count) when sublinear, times idf, each row divided by its L2 norm (the squares
    summed in column order, as scikit-learn's normaliser does), so the values are the same floats.

    Character n-grams within word boundaries (`char_wb`, lowercased) are the n-grams of each word of
    the lowercased text, so they are computed once per distinct word of an article."""

    def __init__(self, select: Callable[..., Any], vectorizer: TfidfVectorizer, offset: int) -> None:
        params = vectorizer.get_params()
        if (
            vectorizer.binary
            or not vectorizer.use_idf
            or vectorizer.norm not in ("l2", None)
            or vectorizer.dtype is not np.float64
        ):
            raise _NotCompilable(f"TfidfVectorizer{params}")
        self.by_word = (
            params["analyzer"] == "char_wb"
            and params["input"] == "content"
            and params["lowercase"]
            and params["preprocessor"] is None
            and params["strip_accents"] is None
        )
        self.analyze: Callable[[str], list[str]]
        if self.by_word:
            self.key: Any = ("char_wb", vectorizer.ngram_range)
            low, high = vectorizer.ngram_range
            self.analyze = partial(_word_char_ngrams, low=low, high=high)
        else:
            try:
                self.key = tuple((name, params[name]) for name in _ANALYSIS)
                hash(self.key)
            except TypeError:
                self.key = id(vectorizer)
            self.analyze = vectorizer.build_analyzer()
        self.field = "headline" if select is _headlines else "text"
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf: np.ndarray = vectorizer.idf_
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.l2 = vectorizer.norm == "l2"
        self.offset = offset
        self.width = len(self.vocabulary)

    def row(self, article: _Article, row: int) -> _Row:
        return article.text_row(self, article.records[row][self.field])

    def compute(self, article: _Article, text: str) -> _Row:
        if self.by_word:
            grams: list[str] = []
            for word in text.lower().split():
                grams += article.grams(self, word)
        else:
            grams = article.grams(self, text)
        occurrences = np.fromiter(
            map(self.vocabulary.get, grams, repeat(-1)), dtype=np.int64, count=len(grams)
        )
        occurrences = occurrences[occurrences >= 0]
        if not occurrences.size:
            return _EMPTY
        columns, counts = np.unique(occurrences, return_counts=True)
        values = counts.astype(np.float64)
        if self.sublinear:
            np.log(values, out=values)
            values += 1.0
        values *= self.idf[columns]
        if self.l2:
            total = float(np.cumsum(values * values)[-1])  # left to right, as sklearn's normaliser
            if total != 0.0:
                values /= math.sqrt(total)
        return (columns + self.offset).astype(np.int32), values


def _word_char_ngrams(word: str, low: int, high: int) -> list[str]:
    """The character n-grams of one word as scikit-learn's `char_wb` analyzer makes them: the word
    padded with a space each side; a word shorter than an n-gram counts once, as itself."""
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:
            grams.append(padded)
            break
        grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


class _FactsBlock:
    """The fitted DictVectorizer of `_facts`: each known feature's value, in column order (zeros kept,
    as DictVectorizer keeps them)."""

    def __init__(self, vectorizer: DictVectorizer, offset: int) -> None:
        if not vectorizer.sparse or vectorizer.dtype is not np.float64:
            raise _NotCompilable(f"DictVectorizer{vectorizer.get_params()}")
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.offset = offset
        self.width = len(vectorizer.feature_names_)

    def row(self, article: _Article, row: int) -> _Row:
        vocabulary = self.vocabulary
        present = sorted(
            (vocabulary[name], float(value))
            for name, value in article.facts(row).items()
            if name in vocabulary
        )
        if not present:
            return _EMPTY
        return (
            np.array([self.offset + column for column, _ in present], dtype=np.int32),
            np.array([value for _, value in present], dtype=np.float64),
        )


class _NotCompilable(ValueError):
    """The pipeline is not of the shape `sentence_pipeline()` builds."""


class _FastPipeline:
    """`Pipeline.predict_proba` of a fitted `sentence_pipeline()`: the same sparse feature rows
    (blocks in the union's order, columns sorted, explicit zeros kept), multiplied by the classifier's
    coefficients with scipy's sparse product as LogisticRegression.decision_function does, then
    scikit-learn's softmax: the same floats (tests/models/test_detection.py compares them). What it
    saves: the checks each of the pipeline's estimators makes on every call, the headline's analysis
    once per sentence, the analysis and the quantity finders run again for the status of an event
    sentence, and character n-grams made again for a word the article repeats. It reads the fitted
    vocabularies, idf and coefficients when built; a pipeline refitted afterwards needs a new one."""

    def __init__(self, model: Pipeline) -> None:
        steps = dict(model.steps)
        union, classifier = steps.get("features"), steps.get("classify")
        if (
            list(steps) != ["features", "classify"]
            or not isinstance(union, FeatureUnion)
            or union.transformer_weights is not None
            or not isinstance(classifier, LogisticRegression)
            or len(classifier.classes_) < 3  # softmax; a binary classifier would use the logistic
        ):
            raise _NotCompilable(repr(model))
        self.blocks: list[_TfidfBlock | _FactsBlock] = []
        offset = 0
        for _, part in union.transformer_list:
            block = self._block(part, offset)
            self.blocks.append(block)
            offset += block.width
        if offset != classifier.coef_.shape[1]:
            raise _NotCompilable(f"{offset} features, the classifier has {classifier.coef_.shape[1]}")
        self.width = offset
        self.coef_t = np.ascontiguousarray(classifier.coef_.T)
        self.intercept = classifier.intercept_

    @staticmethod
    def _block(part: object, offset: int) -> _TfidfBlock | _FactsBlock:
        if not isinstance(part, Pipeline) or len(part.steps) != 2:
            raise _NotCompilable(repr(part))
        (_, select), (_, vectorizer) = part.steps
        if (
            not isinstance(select, FunctionTransformer)
            or select.kw_args
            or select.validate
            or select.func not in (_texts, _headlines, _facts)
        ):
            raise _NotCompilable(repr(select))
        if isinstance(vectorizer, TfidfVectorizer) and select.func in (_texts, _headlines):
            return _TfidfBlock(select.func, vectorizer, offset)
        if isinstance(vectorizer, DictVectorizer) and select.func is _facts:
            return _FactsBlock(vectorizer, offset)
        raise _NotCompilable(repr(part))

    @classmethod
    def of(cls, model: Pipeline) -> _FastPipeline | None:
        """The fast form of `model`, or None when it is not a fitted `sentence_pipeline()`."""
        try:
            return cls(model)
        except (_NotCompilable, AttributeError):
            return None

    def predict_proba(self, article: _Article, rows: Sequence[int]) -> np.ndarray:
        """The class probabilities of the records `rows` of `article`, one row each."""
        if not rows:
            return np.empty((0, len(self.intercept)))
        pieces = [block.row(article, row) for row in rows for block in self.blocks]
        indptr = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum(
            [
                sum(len(c) for c, _ in pieces[i : i + len(self.blocks)])
                for i in range(0, len(pieces), len(self.blocks))
            ],
            out=indptr[1:],
        )
        features = sparse.csr_array(
            (np.concatenate([v for _, v in pieces]), np.concatenate([c for c, _ in pieces]), indptr),
            shape=(len(rows), self.width),
        )
        decision = features @ self.coef_t + self.intercept
        return softmax(decision, copy=False)  # type: ignore[no-any-return]


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
