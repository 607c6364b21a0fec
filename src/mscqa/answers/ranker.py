"""The learned answer ranker: what it reads for a candidate sentence, and its scores.

A cross-encoder fine-tuned from all-MiniLM-L6-v2 (`python -m mscqa.training.ranker`) reads the
question with one candidate sentence, its article's title and its neighbours, and gives one
score: how likely that sentence answers the question. It never writes text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from mscqa.config import DATA_DIR

if TYPE_CHECKING:
    from mscqa.answers.scorer import PairScorer

RANKER_DIR = DATA_DIR / "models" / "ranker"
# Words kept of each part of a candidate: the sentence comes first so that truncation to the
# model's window (manifest `max_length`) cuts the context, never the sentence itself.
# Sized for 96 word pieces with the question: training cost grows with the length, and on two
# cores a longer window did not fit the one-hour training budget.
SENTENCE_WORDS = 50
TITLE_WORDS = 12
NEIGHBOUR_WORDS = 12


class SentenceScorer(Protocol):
    """Scores (question, candidate text) pairs: higher means more likely the answer."""

    def score(self, question: str, candidates: Sequence[str]) -> np.ndarray: ...


def _clip(text: str, limit: int) -> str:
    parts = text.split()
    return " ".join(parts[:limit]) + (" …" if len(parts) > limit else "")


def candidate_text(title: str, sentence: str, before: str = "", after: str = "") -> str:
    """What the ranker reads for one sentence: the sentence, the article's title, then the
    sentences around it (the subject of "These cells ..." is often in the one before)."""
    context = " ".join(
        part for part in (_clip(before, NEIGHBOUR_WORDS), _clip(after, NEIGHBOUR_WORDS)) if part
    )
    text = f"{_clip(sentence, SENTENCE_WORDS)}\n{_clip(title, TITLE_WORDS)}"
    return f"{text}\n{context}" if context else text


class Ranker:
    """The shipped ranker weights, scored with onnxruntime (`PairScorer`), loaded once."""

    def __init__(self, scorer: PairScorer) -> None:
        self.scorer = scorer

    @classmethod
    def load(cls, folder: Path = RANKER_DIR) -> Ranker:
        from mscqa.answers.scorer import PairScorer

        return cls(PairScorer.load(folder))

    def score(self, question: str, candidates: Sequence[str]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        logits = self.scorer.logits([(question, text) for text in candidates])
        return np.asarray(logits[:, 0], dtype=np.float32)
