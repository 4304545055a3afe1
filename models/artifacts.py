"""Save and load the fitted impact model as a versioned artifact: joblib plus a JSON card.

The card records the version, the SHA-256 of the model file, the SHA-256 of the training data,
the scikit-learn version and the evaluation metrics. Loading checks the hash and the
scikit-learn version; a missing, corrupt or incompatible model raises `ModelUnavailable`, and the
pipeline falls back to the rule baseline, flagged as such.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import sklearn

from core.errors import ModelUnavailable
from models.impact_model import ImpactModel

MODEL_FILE = "impact-model.joblib"
CARD_FILE = "impact-model.json"


def save(model: ImpactModel, folder: Path, data_hash: str, metrics: dict[str, Any]) -> dict[str, Any]:
    """Write the model and its card; returns the card."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    joblib.dump(model, path, compress=3)
    digest = sha256(path)
    card = {
        "version": f"impact-{datetime.now(UTC):%Y%m%d}-{digest[:8]}",
        "model_sha256": digest,
        "training_data_sha256": data_hash,
        "sklearn_version": sklearn.__version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": metrics,
    }
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def load(folder: Path) -> tuple[ImpactModel, dict[str, Any]]:
    """The model and its card; raises `ModelUnavailable` saying what is wrong and what to do."""
    path, card_path = folder / MODEL_FILE, folder / CARD_FILE
    if not path.exists() or not card_path.exists():
        raise ModelUnavailable(f"no impact model in {folder}; run `cloudintel model train`")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(
            f"{card_path}: unreadable model card ({exc}); run `cloudintel model train`"
        ) from exc
    if sha256(path) != card.get("model_sha256"):
        raise ModelUnavailable(
            f"{path}: the file does not match its card's hash (corrupt or replaced); retrain"
        )
    if _minor(card.get("sklearn_version", "")) != _minor(sklearn.__version__):
        raise ModelUnavailable(
            f"{path}: trained with scikit-learn {card.get('sklearn_version')}, this is {sklearn.__version__}; "
            "run `cloudintel model train`"
        )
    try:
        model = joblib.load(path)
    except Exception as exc:  # a pickle can fail in many ways; all mean "retrain"
        raise ModelUnavailable(
            f"{path}: cannot be loaded ({type(exc).__name__}); run `cloudintel model train`"
        ) from exc
    if not isinstance(model, ImpactModel):
        raise ModelUnavailable(f"{path}: not an impact model; run `cloudintel model train`")
    return model, card


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])
