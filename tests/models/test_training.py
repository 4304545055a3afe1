"""The impact model on its labelled data: held-out quality measured, and better than the rules."""

from __future__ import annotations

import pytest

from extractors.entities import OrganizationIndex
from models.training import evaluate, load_examples, train

ORGS = OrganizationIndex.load()


@pytest.fixture(scope="module")
def report() -> dict:
    examples, _ = load_examples()
    model, _ = train(examples, ORGS)  # training time: benchmarks/parser_speed.py
    return evaluate(model, [e for e in examples if e.split == "test"], ORGS)


def test_training_data_covers_every_type_level_and_theme() -> None:
    examples, digest = load_examples()
    test = [e for e in examples if e.split == "test"]
    assert len(examples) >= 400 and len(digest) == 64
    for split in (examples, test):
        assert {e.facts.type for e in split} == {"partnership", "capacity", "pricing"}
        assert {e.level for e in split} == {"high", "medium", "low"}
        assert {t for e in split for t in e.themes} == {
            "capacity",
            "competition",
            "cost",
            "regulatory",
            "resilience",
        }


def test_held_out_quality_as_measured(report: dict) -> None:
    model = report["model"]
    # the targets of issue 4; measured: level accuracy 0.977, macro-F1 0.979, themes micro-F1 0.88
    # (docs/impact-model.md)
    assert model["level_accuracy"] >= 0.9 and model["level_macro_f1"] >= 0.85
    assert model["themes_micro_f1"] >= 0.8


def test_the_model_matches_the_rubric_on_levels_and_beats_it_on_themes(report: dict) -> None:
    # measured: levels 0.977 both (the rubric is one of the model's features), themes 0.888 vs 0.771
    assert report["model"]["level_accuracy"] >= report["rules"]["level_accuracy"]
    assert report["model"]["themes_micro_f1"] >= report["rules"]["themes_micro_f1"] + 0.05
