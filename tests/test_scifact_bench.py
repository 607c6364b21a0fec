"""The scoring functions of benchmarks/scifact.py on a tiny hand-made collection."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def scifact() -> ModuleType:
    return load_benchmark("scifact.py")


def collection(scifact: ModuleType, qrels: list[set[str]]) -> Any:
    return scifact.SciFact(
        doc_ids=["a", "b", "c"],
        titles=["A", "B", "C"],
        texts=["a1 a2", "b1", "c1 c2 c3"],
        sentences=[["a1", "a2"], ["b1"], ["c1", "c2", "c3"]],
        split="train",
        query_ids=[str(i) for i in range(len(qrels))],
        queries=["q"] * len(qrels),
        qrels={str(i): set(r) for i, r in enumerate(qrels)},
    )


def test_best_sentence_is_the_maximum_over_each_abstracts_own_sentences(
    scifact: ModuleType,
) -> None:
    data = collection(scifact, [{"a"}])
    rng = np.random.default_rng(0)
    sentences = rng.normal(size=(6, 4)).astype(np.float32)
    queries = rng.normal(size=(2, 4)).astype(np.float32)
    got = scifact.best_sentence_scores(data, sentences, queries)
    sims = queries @ sentences.T
    want = np.stack([sims[:, 0:2].max(1), sims[:, 2:3].max(1), sims[:, 3:6].max(1)], axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_evaluate_run_scores_the_ranking(scifact: ModuleType) -> None:
    data = collection(scifact, [{"b"}, {"a", "c"}])
    scores = np.array([[0.9, 0.5, 0.1], [0.2, 0.8, 0.5]])
    ndcg, recall = scifact.evaluate_run(data, scores)
    # Query 0: "b" at rank 2. Query 1: "c" at rank 2 and "a" at rank 3 of 2 relevant.
    first = 1 / np.log2(3)
    second = (1 / np.log2(3) + 1 / np.log2(4)) / (1 + 1 / np.log2(3))
    assert ndcg == pytest.approx((first + second) / 2)
    assert recall == 1.0


def test_choose_weights_follows_the_signal_that_ranks_the_relevant_first(
    scifact: ModuleType,
) -> None:
    data = collection(scifact, [{"a"}, {"b"}, {"c"}])
    right = np.eye(3) + 0.1  # puts each query's relevant abstract first
    wrong = np.roll(np.eye(3), 1, axis=1) * 5 + 0.1
    weights, ndcg, recall = scifact.choose_weights(data, (wrong, right), step=0.25)
    assert weights[1] > weights[0]
    assert sum(weights) == pytest.approx(1.0)
    assert ndcg == pytest.approx(1.0)
    assert recall == 1.0
