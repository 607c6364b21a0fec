"""Question -> ranked passages: lexical (BM25) and dense search, fused."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mscqa.config import Settings
from mscqa.corpus.passages import Passage
from mscqa.index.embedder import Embedder
from mscqa.index.load import LoadedIndex
from mscqa.search.library import library_stats
from mscqa.text.terms import expansions, known_words_only, lexical_tokens, model_text

FUSIONS = ("zscore", "rrf", "dense", "lexical")
# Up to this many passages every passage is scored for fusion; above it, the union of the top
# CANDIDATE_DEPTH passages of each signal (benchmarks/latency.py measures both).
EXACT_FUSION_MAX_PASSAGES = 20_000
CANDIDATE_DEPTH = 200


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with the evidence behind its rank."""

    passage: Passage
    score: float  # fused score: only for ordering
    dense: float  # cosine of question and passage vectors
    lexical: float  # BM25 score of the passage for the question


def zscore(scores: np.ndarray) -> np.ndarray:
    """Scores as standard deviations from their mean: puts cosines and BM25 on one scale."""
    scores = np.asarray(scores, dtype=np.float64)
    spread = scores.std()
    if scores.size == 0 or spread == 0.0:
        return np.zeros_like(scores)
    return (scores - scores.mean()) / spread


def zscore_blend(signals: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of z-normalised score arrays (one score per document in each)."""
    total = np.zeros(len(signals[0]), dtype=np.float64)
    for signal, weight in zip(signals, weights, strict=True):
        if weight:
            total += weight * zscore(signal)
    return total


def rrf(signals: Sequence[np.ndarray], k: int = 60, depth: int | None = None) -> np.ndarray:
    """Reciprocal rank fusion (Cormack, Clarke & Buettcher 2009): sum of 1 / (k + rank)."""
    total = np.zeros(len(signals[0]), dtype=np.float64)
    for signal in signals:
        order = np.argsort(-np.asarray(signal), kind="stable")
        if depth is not None:
            order = order[:depth]
        total[order] += 1.0 / (k + np.arange(1, len(order) + 1))
    return total


def fuse(
    dense: np.ndarray,
    lexical: np.ndarray,
    settings: Settings,
    best_sentence: np.ndarray | None = None,
) -> np.ndarray:
    """One score per document from the dense and lexical score arrays, as `settings.fusion` says.

    The z-score blend won the ablation in benchmarks/RESULTS.md on SciFact and on our own
    questions: unlike RRF it keeps how far ahead a document is, not only its rank. Given each
    passage's best sentence cosine (`best_sentence`), the blend gives it `sentence_share` of
    the dense weight: a passage one sentence of which answers is not lost in its average.
    """
    if settings.fusion == "zscore":
        return zscore_blend(
            (dense, lexical, *(() if best_sentence is None else (best_sentence,))),
            dense_weights(settings, best_sentence is not None),
        )
    if settings.fusion == "rrf":
        return rrf((dense, lexical), settings.rrf_k)
    if settings.fusion == "dense":
        return np.asarray(dense, dtype=np.float64)
    if settings.fusion == "lexical":
        return np.asarray(lexical, dtype=np.float64)
    raise ValueError(f"unknown fusion '{settings.fusion}'; fusions are: {', '.join(FUSIONS)}")


def dense_weights(settings: Settings, sentences: bool) -> tuple[float, ...]:
    """The z-score blend's weights: passage cosine, BM25, and (with `sentences`) best sentence
    cosine."""
    weight = settings.dense_weight
    if not sentences:
        return (weight, 1 - weight)
    share = settings.sentence_share
    return (weight * (1 - share), 1 - weight, weight * share)


def query_for_embedding(question: str, expand: bool = True) -> str:
    """The question the model sees: with the term table's expansions, since a small model
    does not know that "MS" is multiple sclerosis or "Lou Gehrig's disease" is ALS."""
    extra = expansions(question) if expand else []
    asked = model_text(question)
    return f"{asked} ({'; '.join(extra)})" if extra else asked


class Retriever:
    """Searches one loaded index; holds only a copy of the passage vectors between questions."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        total = len(index.passages)
        vectors = (
            index.passage_vectors.reconstruct_n(0, total)
            if total
            else np.zeros((0, index.manifest.dim), np.float32)
        )
        # z-scores need the mean and spread of every passage's cosine. A small library is
        # scored in full (a matrix product is cheapest there); a large one keeps only the first
        # and second moments of its vectors, which give that mean and spread exactly for any
        # question (mean = q.mu, variance = q'Mq - (q.mu)^2), and scores candidates only.
        self._matrix: np.ndarray | None = None
        self._bounds = np.zeros(0, dtype=np.int64)
        if total <= EXACT_FUSION_MAX_PASSAGES:
            self._matrix = vectors
            # Each passage's sentences are consecutive rows of the sentence vectors: as
            # [start, end) pairs, one `np.maximum.reduceat` gives each its best sentence cosine.
            bounds = [
                (rows[0][0], rows[-1][0] + 1)
                for rows in (index.passage_sentences(p) for p in index.passages)
            ]
            self._bounds = np.array(bounds, dtype=np.int64).reshape(-1)
        else:
            wide = vectors.astype(np.float64)
            self._mean = wide.mean(axis=0)
            self._second = wide.T @ wide / total

    def embed(self, text: str) -> np.ndarray:
        query = query_for_embedding(text, self.settings.query_expansion)
        return self.embedder.encode([query])[0]

    def embed_with_known(self, question: str) -> tuple[np.ndarray, float]:
        """The question's vector and its `known_similarity`, embedded in one batch when the
        question has words the library never uses (one model call instead of two)."""
        query = query_for_embedding(question, self.settings.query_expansion)
        known = known_words_only(question, library_stats(self.index).vocabulary)
        if known.split() == question.split() or not known.strip():
            vector = self.embedder.encode([query])[0]
            return vector, 1.0 if known.strip() else 0.0
        vector, known_vector = self.embedder.encode([query, known])
        return vector, float(known_vector @ vector)

    def known_similarity(self, question: str, query_vector: np.ndarray) -> float:
        """Cosine of the question and the question without the words the library never
        uses: low when those words carry its meaning ("... treat tinnitus?"), which is what
        "not covered" looks for; 1.0 when every word is known."""
        known = known_words_only(question, library_stats(self.index).vocabulary)
        if known.split() == question.split():
            return 1.0
        if not known.strip():
            return 0.0
        return float(self.embedder.encode([known])[0] @ query_vector)

    def best_sentences(self, query: np.ndarray) -> np.ndarray:
        """Each passage's best sentence cosine with the question vector `query` (a library
        scored in full; a larger one keeps no sentence ranges)."""
        cosines = np.append(self.index.sentence_vectors @ query, -np.inf)
        return np.maximum.reduceat(cosines, self._bounds)[::2]

    def lexical_scores(self, question: str) -> np.ndarray:
        tokens = lexical_tokens(question, expand=self.settings.query_expansion)
        if not tokens or not len(self.index.passages):
            return np.zeros(len(self.index.passages), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(tokens), dtype=np.float32)

    def search(self, question: str, query_vector: np.ndarray, k: int | None = None) -> list[Hit]:
        """The best `k` passages (default: settings.candidates), dense and BM25 fused."""
        total = len(self.index.passages)
        if total == 0:
            return []
        k = min(k or self.settings.candidates, total)
        query = query_vector.astype(np.float32)
        lexical = self.lexical_scores(question)
        if self._matrix is not None:
            dense = self._matrix @ query
            best = self.best_sentences(query) if self.settings.sentence_share else None
            fused = fuse(dense, lexical, self.settings, best)
            ranked = np.argsort(-fused, kind="stable")[:k]
            return [
                Hit(self.index.passages[i], float(fused[i]), float(dense[i]), float(lexical[i]))
                for i in ranked
            ]
        return self._search_large(question, query, lexical, k)

    def _search_large(
        self, question: str, query: np.ndarray, lexical: np.ndarray, k: int
    ) -> list[Hit]:
        """Fusion over the union of the dense and lexical top candidates, with each signal's
        z-score taken against the whole library's mean and spread. Without the best sentence
        signal: its z-score needs every sentence's cosine, a product over millions of vectors
        at this size (benchmarks/latency.py), where the two others need only the candidates."""
        depth = max(k, CANDIDATE_DEPTH)
        _, dense_ids = self.index.passage_vectors.search(query.reshape(1, -1), depth)
        lexical_ids = np.argpartition(-lexical, min(depth, len(lexical) - 1))[:depth]
        ids = np.unique(np.concatenate([dense_ids[0][dense_ids[0] >= 0], lexical_ids]))
        vectors = np.vstack([self.index.passage_vectors.reconstruct(int(i)) for i in ids])
        dense = vectors @ query
        q = query.astype(np.float64)
        mean = float(q @ self._mean)
        spread = math.sqrt(max(float(q @ self._second @ q) - mean * mean, 0.0))
        dense_z = (dense - mean) / spread if spread else np.zeros_like(dense)
        lexical_z = zscore(lexical)[ids]
        weight = self.settings.dense_weight
        if self.settings.fusion == "zscore":
            fused = weight * dense_z + (1 - weight) * lexical_z
        else:
            fused = fuse(dense, lexical[ids], self.settings)
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(
                self.index.passages[int(ids[j])],
                float(fused[j]),
                float(dense[j]),
                float(lexical[ids[j]]),
            )
            for j in order
        ]
