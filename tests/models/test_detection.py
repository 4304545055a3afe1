"""The labelled detection corpus and the learned detector trained on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.vocabulary import STATUSES
from models.detection import LABELS, NONE, load_corpus, records_of, sentence_pipeline


def test_the_corpus_is_large_varied_and_labelled_by_the_guide() -> None:
    sentences = load_corpus()
    articles = {s.article for s in sentences}
    assert len(sentences) >= 2500 and len(articles) >= 250
    assert len({s.style for s in sentences}) >= 6
    assert {s.label for s in sentences} == set(LABELS)
    assert all((s.status in STATUSES) == (s.label != NONE) for s in sentences)
    assert sum(s.negative is not None for s in sentences) >= 1000


def test_a_bad_row_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "part.jsonl").write_text('{"id": "a", "style": "wire", "sentences": []}\n')
    with pytest.raises(ConfigError, match=r"part\.jsonl:1: not a labelled article"):
        load_corpus(tmp_path)


def test_the_detector_finds_events_in_articles_it_was_not_trained_on() -> None:
    sentences = load_corpus()
    held_out = sorted({s.article for s in sentences})[::10]  # every tenth article
    train = [s for s in sentences if s.article not in held_out]
    test = [s for s in sentences if s.article in held_out]
    model = sentence_pipeline().fit(records_of(train), [s.label for s in train])
    guesses = model.predict(records_of(test))
    events = [(s.label, g) for s, g in zip(test, guesses, strict=True) if s.label != NONE]
    found = sum(g != NONE for _, g in events) / len(events)
    false_alarms = sum(g != NONE for s, g in zip(test, guesses, strict=True) if s.negative) / sum(
        bool(s.negative) for s in test
    )
    assert found >= 0.6 and false_alarms <= 0.15, (found, false_alarms)


def test_the_shipped_detector_was_trained_on_the_current_corpus() -> None:
    from models.artifacts import SHIPPED, load_detector
    from models.ship_detector import corpus_sha256

    card = json.loads((SHIPPED / "detector.json").read_text())
    assert card["training_data_sha256"] == corpus_sha256(), (
        "models/data/detection changed: run `make ship-model`"
    )
    assert card["metrics"]["event"]["f1"] >= 0.7
    [verdict] = load_detector()(["OpenAI signed a $38 billion cloud deal with AWS."], "OpenAI signs AWS deal")
    assert verdict.type == "partnership" and verdict.confidence >= 0.6


def test_the_detectors_fast_path_gives_the_pipelines_own_probabilities() -> None:
    """SentenceDetector scores through _FastPipeline: the same floats as Pipeline.predict_proba, on
    every article of the corpus (status on a subset of rows, as for event sentences), and on a
    headline that is no sentence of the text."""
    import numpy as np

    from models.artifacts import load_detector
    from models.detection import _Article, record

    detector = load_detector()
    fast = {"type": detector._type_fast, "status": detector._status_fast}
    assert fast["type"] is not None and fast["status"] is not None
    articles: dict[str, list] = {}
    for s in load_corpus():
        articles.setdefault(s.article, []).append(s)
    for number, sentences in enumerate(articles.values()):
        headline = sentences[0].headline if number % 2 else "Nscale  raises\u00a0$1.1bn  ΣΑΣ\tto build"
        records = [record(s.text, headline, s.is_headline, s.position) for s in sentences]
        article = _Article(records)
        for name, model in detector.parts().items():
            rows = list(range(len(records))) if name == "type" else list(range(1, len(records), 2))
            got = fast[name].predict_proba(article, rows)
            expected = model.predict_proba([records[i] for i in rows]) if rows else np.empty((0, 3))
            assert np.array_equal(got, expected), (name, sentences[0].article)


def test_character_ngrams_by_word_are_the_vectorizers_own() -> None:
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    from models.detection import _word_char_ngrams

    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for text in [
        "",
        "a",
        "AI  to\tbe\u00a0or \u2003not, ok?",
        "OΣ ΣΑΣ Straße İstanbul ﬁber",
        "Microsoft signs a $9.7 billion GPU deal with IREN (NASDAQ: IREN).",
        "x" * 7,
    ]:
        by_word = [gram for word in text.lower().split() for gram in _word_char_ngrams(word, 3, 5)]
        assert Counter(by_word) == Counter(analyzer(text)), text


def test_a_pipeline_of_another_shape_is_run_as_it_is() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from models.detection import SentenceDetector, _texts

    # one writer's file: its events hold all three statuses, so the status model keeps its usual shape
    sentences = [s for s in load_corpus() if s.article.startswith("wire-trade")][:400]
    plain = Pipeline(
        [("select", FunctionTransformer(_texts)), ("tfidf", TfidfVectorizer()), ("lr", LogisticRegression())]
    )
    type_model = plain.fit(records_of(sentences), [s.label for s in sentences])
    events = [s for s in sentences if s.label != NONE]
    status_model = sentence_pipeline().fit(records_of(events), [s.status for s in events])
    detector = SentenceDetector(type_model, status_model)
    assert detector._type_fast is None and detector._status_fast is not None
    texts = [s.text for s in sentences[:12]]
    verdicts = detector(texts, texts[0])
    expected = type_model.predict_proba(records_of(sentences[:12]))
    assert [v.confidence for v in verdicts] == [float(p.max()) for p in expected]
