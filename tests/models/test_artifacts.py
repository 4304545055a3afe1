"""The impact model as a versioned artifact; a bad artifact gives a clear error and the flagged rules."""

from __future__ import annotations

import json
import random
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import sklearn
import skops.io

from core.errors import ModelUnavailable
from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from models.artifacts import CARD_FILE, MODEL_FILE, SHIPPED, load, save, sha256
from models.impact_model import ImpactModel
from models.impact_rules import rule_impact
from models.judge import FALLBACK_VERSION, ImpactJudge
from models.training import Example, evaluate, load_examples, train

ORGS = OrganizationIndex.load()
PAIRS = [
    ("Amazon Web Services", "OpenAI"),
    ("CoreWeave", "Microsoft"),
    ("Google", "Anthropic"),
    ("Microsoft", "OpenAI"),
    ("Microsoft", "Northfjord Ferries"),
]
EVIDENCE = [
    "signed a deal to buy capacity",
    "will invest in the company",
    "is no longer the exclusive cloud provider, adding a second supplier",
    "so that data stays inside the country",
    "cut prices",
]


def synthetic(n: int = 250) -> list[Example]:
    """Events labelled by the rule baseline: enough for the model's code paths, not its quality."""
    rnd = random.Random(7)
    out = []
    for i in range(n):
        kind = ("partnership", "capacity", "pricing")[i % 3]
        parties = PAIRS[i % 5] if kind == "partnership" else (PAIRS[i % 5][0],)
        event = EventFacts(
            kind,
            parties,
            "announced",
            date(2025, 1, 1),
            rnd.choice([None, 5e8, 2e9, 2e10]) if kind != "pricing" else None,
            rnd.choice([None, 50.0, 300.0, 2000.0]) if kind == "capacity" else None,
            None,
            None,
            -rnd.choice([5.0, 20.0, 60.0]) if kind == "pricing" else None,
        )
        evidence = EVIDENCE[(i // 3) % 5]
        rules = rule_impact(event, evidence, ORGS)
        out.append(
            Example(
                event, f"event {i}", evidence, rules.level, rules.themes, "test" if i % 5 == 0 else "train"
            )
        )
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    model, _ = train(synthetic(), ORGS)
    save(model, folder, "data-hash", {"note": "test"})
    return folder


def test_saved_model_loads_with_its_card(trained: Path) -> None:
    _, card = load(trained)
    assert card["version"].startswith("impact-") and card["training_data_sha256"] == "data-hash"
    judge = ImpactJudge.load(trained, ORGS)
    [impact] = judge.judge([(synthetic(1)[0].facts, "t", "signed a deal to buy capacity")])
    assert judge.problem is None and impact.version == card["version"] and 0 <= impact.score <= 1


def test_model_scores_are_probabilities_and_evaluation_reports_both(trained: Path) -> None:
    model, _ = load(trained)
    report = evaluate(model, [e for e in synthetic() if e.split == "test"], ORGS)
    assert set(report) >= {"model", "rules"}
    assert report["model"]["confusion_matrix"]["labels"] == ["high", "medium", "low"]
    assert all(0 <= b["mean_confidence"] <= 1 for b in report["model"]["calibration"]["reliability"])


def test_an_empty_model_folder_uses_the_shipped_model(tmp_path: Path) -> None:
    judge = ImpactJudge.load(tmp_path, ORGS)
    _, shipped = load(SHIPPED)
    assert judge.model is not None and judge.problem is None and judge.version == shipped["version"]
    [impact] = judge.judge([(synthetic(1)[0].facts, "t", "e")])
    assert impact.version == shipped["version"]


def test_the_shipped_model_was_trained_on_the_current_data() -> None:
    _, digest = load_examples()
    model, card = load(SHIPPED)
    assert card["training_data_sha256"] == digest, "models/data changed: run `make ship-model`"
    assert card["metrics"]["model"]["level_accuracy"] >= 0.9 and isinstance(model, ImpactModel)


def test_a_model_file_holding_an_untrusted_type_is_refused(tmp_path: Path) -> None:
    skops.io.dump(Fraction(1, 3), tmp_path / MODEL_FILE)
    card = {
        "version": "x",
        "model_sha256": sha256(tmp_path / MODEL_FILE),
        "sklearn_version": sklearn.__version__,
    }
    (tmp_path / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelUnavailable, match=r"does not trust \(fractions\.Fraction\)"):
        load(tmp_path)
    assert ImpactJudge.load(tmp_path, ORGS).version == FALLBACK_VERSION


def test_corrupt_model_is_refused(trained: Path, tmp_path: Path) -> None:
    for name in (MODEL_FILE, CARD_FILE):
        (tmp_path / name).write_bytes((trained / name).read_bytes())
    with (tmp_path / MODEL_FILE).open("r+b") as handle:
        handle.seek(100)
        handle.write(b"garbage")
    with pytest.raises(ModelUnavailable, match="does not match its card"):
        load(tmp_path)


def test_model_from_another_scikit_learn_is_refused(trained: Path, tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes((trained / MODEL_FILE).read_bytes())
    card = json.loads((trained / CARD_FILE).read_text())
    (tmp_path / CARD_FILE).write_text(json.dumps(card | {"sklearn_version": "0.24.2"}))
    with pytest.raises(ModelUnavailable, match=r"trained with scikit-learn 0\.24\.2"):
        load(tmp_path)
    assert ImpactJudge.load(tmp_path, ORGS).version == FALLBACK_VERSION
