"""The impact classifier: scikit-learn Pipelines over event records (see models/features.py).

Level: TF-IDF of title and evidence plus structured features (log sizes, the guide's threshold flags,
price change, party categories and roles, status, cues for §3's qualitative rules, §3 read with those
cues, and the rule baseline's verdict as features), into a logistic regression calibrated with
`CalibratedClassifierCV`, so `score` is a calibrated probability. Themes: the same fitted features into
one ridge classifier per theme (multi-label). Both chosen by cross-validation on the training split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MultiLabelBinarizer

from core.vocabulary import THEMES
from models.features import numbers_of, text_of
from models.rubric import rubric

# A rubric verdict at least this sure (a stated size over a threshold, a stated price change) is the
# level; below it (qualitative rules, undisclosed sizes, the default "low") the model decides.
RUBRIC_DECIDES = 0.9


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "text",
                Pipeline(
                    [
                        ("select", FunctionTransformer(text_of)),
                        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                    ]
                ),
            ),
            ("facts", Pipeline([("select", FunctionTransformer(numbers_of)), ("vector", DictVectorizer())])),
        ]
    )


def level_pipeline() -> Pipeline:
    """Features → calibrated logistic regression over high/medium/low."""
    classifier = LogisticRegression(C=16.0, max_iter=5000)  # C chosen by 5-fold CV on the training split
    return Pipeline(
        [("features", _features()), ("classify", CalibratedClassifierCV(classifier, method="sigmoid", cv=5))]
    )


def themes_classifier() -> OneVsRestClassifier:
    """One ridge classifier per theme (multi-label); alpha and class weights chosen by 5-fold CV."""
    return OneVsRestClassifier(RidgeClassifier(alpha=0.3, class_weight="balanced"))


@dataclass
class ImpactModel:
    """The two fitted pipelines and the theme label order."""

    level: Pipeline
    themes: Pipeline
    binarizer: MultiLabelBinarizer

    @classmethod
    def fit(
        cls, records: Sequence[Mapping[str, Any]], levels: Sequence[str], themes: Sequence[Sequence[str]]
    ) -> ImpactModel:
        """Fit the level pipeline, then the themes pipeline on the same fitted features."""
        binarizer = MultiLabelBinarizer(classes=list(THEMES))
        level = level_pipeline().fit(list(records), list(levels))
        features = level.named_steps["features"]
        classifier = themes_classifier().fit(
            features.transform(list(records)), binarizer.fit_transform(themes)
        )
        return cls(level, Pipeline([("features", features), ("classify", classifier)]), binarizer)

    def predict(self, records: Sequence[Mapping[str, Any]]) -> list[tuple[str, float, tuple[str, ...]]]:
        """(level, confidence in that level, themes) per record; features computed once. The guide's
        rubric decides the level where a stated figure or price change settles it (its confidence is
        then the rule's); the model's calibrated probability decides what the rubric leaves open."""
        if not records:
            return []
        matrix = self.level.named_steps["features"].transform(list(records))
        probabilities = self.level.named_steps["classify"].predict_proba(matrix)
        classes = self.level.classes_
        best = probabilities.argmax(axis=1)
        themes = self.binarizer.inverse_transform(
            np.asarray(self.themes.named_steps["classify"].predict(matrix))
        )
        out = []
        for row, i in enumerate(best):
            decided = rubric(records[row])
            level, score = (
                (decided.level, decided.confidence)
                if decided.confidence >= RUBRIC_DECIDES
                else (str(classes[i]), float(probabilities[row, i]))
            )
            out.append((level, score, tuple(sorted(themes[row]))))
        return out
