"""Question -> ranked passages: lexical (BM25) and dense search, fused."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mscqa.config import Settings
from mscqa.embedder import Embedder
from mscqa.index import LoadedIndex
from mscqa.passages import Passage
from mscqa.terms import lexical_tokens


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with the evidence behind its rank."""

    passage: Passage
    score: float  # fused rank score: only for ordering
    dense: float  # cosine of question and passage vectors
    lexical: float  # BM25 score of the passage for the question


class Retriever:
    """Searches one loaded index; cheap to create, holds no state between questions."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings

    def embed(self, text: str) -> np.ndarray:
        return self.embedder.encode([text])[0]

    def search(self, question: str, query_vector: np.ndarray, k: int | None = None) -> list[Hit]:
        """The best `k` passages (default: settings.candidates) by reciprocal rank fusion."""
        total = len(self.index.passages)
        if total == 0:
            return []
        k = min(k or self.settings.candidates, total)
        dense_scores, dense_ids = self.index.passage_vectors.search(
            query_vector.reshape(1, -1).astype(np.float32), k
        )
        dense = {
            int(i): float(s) for i, s in zip(dense_ids[0], dense_scores[0], strict=True) if i >= 0
        }
        tokens = lexical_tokens(question)
        lexical_all = (
            self.index.bm25.get_scores(tokens) if tokens else np.zeros(total, dtype=np.float32)
        )
        top_lexical = _top_positive(lexical_all, k)
        lexical_rank = {int(i): r for r, i in enumerate(top_lexical)}
        dense_rank = {i: r for r, i in enumerate(dense)}
        rrf_k = self.settings.rrf_k
        fused: dict[int, float] = {}
        for ranks in (dense_rank, lexical_rank):
            for i, r in ranks.items():
                fused[i] = fused.get(i, 0.0) + 1.0 / (rrf_k + r + 1)
        missing = [i for i in fused if i not in dense]
        if missing:
            vectors = np.vstack([self.index.passage_vectors.reconstruct(i) for i in missing])
            for i, score in zip(missing, vectors @ query_vector, strict=True):
                dense[i] = float(score)
        ranked = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        return [
            Hit(self.index.passages[i], fused[i], dense[i], float(lexical_all[i])) for i in ranked
        ]


def _top_positive(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` highest positive scores, ties in index order: the same as a stable
    argsort of all scores, at a fraction of its cost on a large index (most scores are 0)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        values = scores[positive]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        positive = positive[values >= kth]
    order = np.argsort(-scores[positive], kind="stable")
    return positive[order][:k]
