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
