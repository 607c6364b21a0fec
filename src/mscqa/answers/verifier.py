"""The learned statement verifier at serve time: how strongly evidence supports a statement,
refutes it, or does not say (a cross-encoder run with onnxruntime; trained by
`python -m mscqa.training.verifier`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mscqa.answers.scorer import MODELS_DIR, ModelFileError, PairScorer

VERIFIER_DIR = MODELS_DIR / "verifier"
LABELS = ("supports", "refutes", "not_enough_info")


@dataclass(frozen=True)
class Reading:
    """The verifier's probabilities for a statement against its evidence."""

    supports: float
    refutes: float
    not_enough_info: float

    @property
    def label(self) -> str:
        return max(zip((self.supports, self.refutes, self.not_enough_info), LABELS, strict=True))[1]


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class Verifier:
    """Reads (statement, evidence) pairs with the shipped cross-encoder."""

    def __init__(self, scorer: PairScorer) -> None:
        if tuple(scorer.labels) != LABELS:
            raise ModelFileError(
                f"the model in {scorer.folder} has labels {list(scorer.labels)}, not "
                f"{list(LABELS)}: retrain it with `python -m mscqa.training.verifier`"
            )
        self.scorer = scorer

    @classmethod
    def load(cls, folder: Path = VERIFIER_DIR) -> Verifier:
        return cls(PairScorer.load(folder, threads=1))

    def readings(self, pairs: Sequence[tuple[str, str]]) -> list[Reading]:
        """One reading per (statement, evidence) pair."""
        probabilities = _softmax(self.scorer.logits(pairs))
        return [Reading(*map(float, row)) for row in probabilities]

    def read(self, statement: str, evidence: Sequence[str]) -> Reading:
        """The reading of `statement` against its evidence sentences (best first): each
        sentence alone and all of them together, the strongest support and the strongest
        refutation among them (a statement is backed or denied by one sentence as a rule,
        and sometimes only by two read together)."""
        texts = list(dict.fromkeys([*evidence, " ".join(evidence)]))
        found = self.readings([(statement, text) for text in texts])
        supports = max(r.supports for r in found)
        refutes = max(r.refutes for r in found)
        return Reading(supports, refutes, max(0.0, 1.0 - supports - refutes))


_loaded: dict[Path, Verifier] = {}
_lock = threading.Lock()


def shared_verifier(folder: Path = VERIFIER_DIR) -> Verifier:
    """The verifier of `folder`, loaded once per process (checksums checked then)."""
    key = folder.resolve()
    with _lock:
        if key not in _loaded:
            _loaded[key] = Verifier.load(folder)
        return _loaded[key]
