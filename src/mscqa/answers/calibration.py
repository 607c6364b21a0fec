"""Whether the library covers a question: a logistic model over the best sentence's features,
fitted by `benchmarks/calibrate.py` into data/calibration*.json."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mscqa.config import DATA_DIR

CALIBRATION_FILE = DATA_DIR / "calibration.json"
# The same model with the learned ranker's score as one more feature (answers/ranker.py),
# fitted on the sentences the ranker is shown: `benchmarks/calibrate.py --ranker`.
RANKER_CALIBRATION_FILE = DATA_DIR / "calibration_ranker.json"
FEATURES = (
    "sentence_cosine",  # question vs sentence, dense
    "passage_cosine",  # question vs passage, dense
    "sentence_coverage",  # idf-weighted share of the question's words in sentence + title
    "passage_coverage",  # the same over the whole passage
    "library_coverage",  # the same over every article: low when the topic is not there at all
    # the passage's fused retrieval score (search/retriever.py), not its rank: in a library of
    # thousands of passages the first is often not the one that answers, and 1 / (1 + rank)
    # let it outweigh a better sentence a few places down (RESULTS.md, "The retrieval feature")
    "retrieval_score",
    "answer_form",  # 1 when the sentence has the form the question asks for (answers/forms.py)
    "focus",  # 1 when the sentence itself has the question's rarest word the library knows
)
RANKER_FEATURES = (*FEATURES, "ranker")  # + the ranker's logit for the sentence


@dataclass(frozen=True)
class Calibration:
    """P(quote answers the question) = sigmoid(scale * (weights . features + bias) + offset).

    `weights` and `bias` rank sentences (a logistic regression over every sentence of the
    retrieved passages); `scale` and `offset` are Platt scaling (Platt 1999) fitted on the
    quotes actually shown, the top three per question, so the score means what it says there.
    """

    weights: tuple[float, ...]
    bias: float
    scale: float = 1.0
    offset: float = 0.0
    # "Covered": P(the articles answer the question) from `COVERED_FEATURES` (logistic
    # regression, fitted on our own in-scope and out-of-scope questions). `Settings.min_score`
    # is the threshold on it.
    covered_weights: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0)
    covered_bias: float = 0.0

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE, features: Sequence[str] = FEATURES) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (
            tuple(data["features"]) != tuple(features)
            or tuple(data.get("covered_features", ())) != COVERED_FEATURES
        ):
            raise ValueError(f"{path} was fitted on other features: rerun benchmarks/calibrate.py")
        return cls(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data.get("scale", 1.0)),
            float(data.get("offset", 0.0)),
            tuple(float(w) for w in data["covered_weights"]),
            float(data["covered_bias"]),
        )

    def logit(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def probability(self, features: np.ndarray) -> np.ndarray:
        return _sigmoid(self.scale * self.logit(features) + self.offset)

    def covered(
        self, best: Sequence[float], known_similarity: float, unknown_topic: bool = False
    ) -> float:
        """P(the articles cover the question), from the features of its best sentence,
        `known_similarity` (see `Retriever.known_similarity`) and whether the question names
        a condition or service the library never mentions (search/scope.py)."""
        x = covered_features(
            float(self.logit(np.asarray(best))), best, known_similarity, unknown_topic
        )
        z = float(np.dot(self.covered_weights, x)) + self.covered_bias
        return 1.0 / (1.0 + math.exp(-z))


COVERED_FEATURES = ("best_logit", "library_coverage", "known_similarity", "unknown_topic")


def covered_features(
    best_logit: float, best: Sequence[float], known_similarity: float, unknown_topic: bool
) -> tuple[float, float, float, float]:
    return (
        float(best_logit),
        float(best[FEATURES.index("library_coverage")]),
        known_similarity,
        float(unknown_topic),
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    return Calibration.load()


@lru_cache(maxsize=1)
def ranker_calibration() -> Calibration:
    return Calibration.load(RANKER_CALIBRATION_FILE, RANKER_FEATURES)
