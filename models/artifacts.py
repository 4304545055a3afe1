"""Save and load the fitted models as versioned artifacts: a skops file plus a JSON card each — the
impact model (`impact-model.*`) and the sentence detector (`detector.*`, shipped only).

skops, not pickle: loading builds only the types listed in `TRUSTED` (and scikit-learn's own), so a
replaced model file cannot run code. The card records the version, the SHA-256 of the model file and
of the training data, the scikit-learn version and the evaluation metrics; loading checks the hash and
the scikit-learn version. The package ships a model trained on models/data (`models/shipped/`), used
until `cloudintel model train` writes one to the model folder. A corrupt or incompatible model raises
`ModelUnavailable`, and the pipeline falls back to the rule baseline, flagged as such.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sklearn
import skops.io
from skops.io.exceptions import UntrustedTypesFoundException

from core.errors import ModelUnavailable
from models.detection import SentenceDetector
from models.impact_model import ImpactModel

MODEL_FILE = "impact-model.skops"
CARD_FILE = "impact-model.json"
DETECTOR = "detector"  # detector.skops and detector.json
SHIPPED = Path(__file__).resolve().parent / "shipped"
# the project's own types and functions in the fitted pipelines, beyond what skops trusts by default
TRUSTED = frozenset(
    {
        "models.impact_model.ImpactModel",
        "models.features.numbers_of",
        "models.features.text_of",
        "models.detection._facts",
        "models.detection._headlines",
        "models.detection._texts",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
    }
)


def save(model: ImpactModel, folder: Path, data_hash: str, metrics: dict[str, Any]) -> dict[str, Any]:
    """Write the model and its card; returns the card."""
    return _dump(model, folder / MODEL_FILE, folder / CARD_FILE, "impact", data_hash, metrics)


def save_detector(
    detector: SentenceDetector, folder: Path, data_hash: str, metrics: dict[str, Any]
) -> dict[str, Any]:
    """Write the sentence detector and its card; returns the card."""
    return _dump(
        detector.parts(),
        folder / f"{DETECTOR}.skops",
        folder / f"{DETECTOR}.json",
        "detector",
        data_hash,
        metrics,
    )


def load_detector(folder: Path = SHIPPED) -> SentenceDetector:
    """The shipped sentence detector; raises `ModelUnavailable` saying what is wrong."""
    parts, _ = _load(folder / f"{DETECTOR}.skops", folder / f"{DETECTOR}.json", "make ship-model")
    if not isinstance(parts, dict) or set(parts) != {"type", "status"}:
        raise ModelUnavailable(f"{folder / DETECTOR}.skops: not a sentence detector; run `make ship-model`")
    return SentenceDetector(parts["type"], parts["status"])


def _dump(
    obj: object, path: Path, card_path: Path, kind: str, data_hash: str, metrics: dict[str, Any]
) -> dict[str, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    skops.io.dump(obj, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    digest = sha256(path)
    card = {
        "version": f"{kind}-{datetime.now(UTC):%Y%m%d}-{digest[:8]}",
        "model_sha256": digest,
        "training_data_sha256": data_hash,
        "sklearn_version": sklearn.__version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": metrics,
    }
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return card


def load_in_force(folder: Path) -> tuple[ImpactModel, dict[str, Any]]:
    """The model of `folder` if `cloudintel model train` wrote one there, else the shipped one."""
    return load(folder if (folder / MODEL_FILE).exists() else SHIPPED)


def load(folder: Path) -> tuple[ImpactModel, dict[str, Any]]:
    """The model and its card; raises `ModelUnavailable` saying what is wrong and what to do."""
    model, card = _load(folder / MODEL_FILE, folder / CARD_FILE, "cloudintel model train")
    if not isinstance(model, ImpactModel):
        raise ModelUnavailable(f"{folder / MODEL_FILE}: not an impact model; run `cloudintel model train`")
    return model, card


def _load(path: Path, card_path: Path, remedy: str) -> tuple[Any, dict[str, Any]]:
    """A saved object and its card, its hash, scikit-learn version and types checked."""
    if not path.exists() or not card_path.exists():
        raise ModelUnavailable(f"no {path.name} in {path.parent}; run `{remedy}`")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"{card_path}: unreadable model card ({exc}); run `{remedy}`") from exc
    if sha256(path) != card.get("model_sha256"):
        raise ModelUnavailable(
            f"{path}: the file does not match its card's hash (corrupt or replaced); run `{remedy}`"
        )
    if _minor(card.get("sklearn_version", "")) != _minor(sklearn.__version__):
        raise ModelUnavailable(
            f"{path}: trained with scikit-learn {card.get('sklearn_version')}, this is {sklearn.__version__}; "
            f"run `{remedy}`"
        )
    try:
        model = skops.io.load(path, trusted=sorted(TRUSTED))  # refuses any other type it would build
    except UntrustedTypesFoundException as exc:  # name them (a slow scan, only on this path)
        unknown = ", ".join(sorted(set(skops.io.get_untrusted_types(file=path)) - TRUSTED))
        raise ModelUnavailable(
            f"{path}: holds types this version does not trust ({unknown}); run `{remedy}`"
        ) from exc
    except Exception as exc:  # a damaged archive can fail in many ways; all mean "retrain"
        raise ModelUnavailable(f"{path}: cannot be loaded ({type(exc).__name__}); run `{remedy}`") from exc
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
