"""The impact classifier: scikit-learn Pipelines over event records (see models/features.py).

Level: TF-IDF of title and evidence plus structured features (log sizes, the guide's threshold flags,
price change, party categories, status, and the rule baseline's verdict as features), into a
logistic regression calibrated with `CalibratedClassifierCV`, so `score` is a calibrated probability.
Themes: the same features into one logistic regression per theme (multi-label).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, MultiLabelBinarizer

from models.features import numbers_of, text_of

THEMES = ("capacity", "competition", "cost", "regulatory", "resilience")
LEVELS = ("high", "low", "medium")


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
    classifier = LogisticRegression(C=4.0, max_iter=5000, class_weight="balanced")
    return Pipeline(
        [("features", _features()), ("classify", CalibratedClassifierCV(classifier, method="sigmoid", cv=5))]
    )


def themes_pipeline() -> Pipeline:
    """Features → one logistic regression per theme."""
    classifier = LogisticRegression(C=4.0, max_iter=5000, class_weight="balanced")
    return Pipeline([("features", _features()), ("classify", OneVsRestClassifier(classifier))])


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
        binarizer = MultiLabelBinarizer(classes=list(THEMES))
        level = level_pipeline().fit(list(records), list(levels))
        theme_model = themes_pipeline().fit(list(records), binarizer.fit_transform(themes))
        return cls(level, theme_model, binarizer)

    def predict(self, records: Sequence[Mapping[str, Any]]) -> list[tuple[str, float, tuple[str, ...]]]:
        """(level, calibrated probability of that level, themes) per record."""
        if not records:
            return []
        rows = list(records)
        probabilities = self.level.predict_proba(rows)
        classes = self.level.classes_
        best = probabilities.argmax(axis=1)
        theme_matrix = self.themes.predict(rows)
        themes = self.binarizer.inverse_transform(np.asarray(theme_matrix))
        return [
            (str(classes[i]), float(probabilities[row, i]), tuple(sorted(themes[row])))
            for row, i in enumerate(best)
        ]
