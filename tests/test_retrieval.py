"""Fusion of dense and lexical scores, and the retriever on the fake embedder."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.search.retriever import (
    FUSIONS,
    Retriever,
    dense_weights,
    fuse,
    query_for_embedding,
    rrf,
    zscore,
    zscore_blend,
)


def test_zscore_has_zero_mean_and_unit_spread_and_survives_constant_input() -> None:
    z = zscore(np.array([1.0, 2.0, 3.0, 4.0]))
    assert abs(z.mean()) < 1e-12 and abs(z.std() - 1.0) < 1e-12
    assert np.all(zscore(np.array([5.0, 5.0])) == 0.0)


def test_zscore_blend_keeps_the_margin_that_rrf_throws_away() -> None:
    dense = np.array([0.90, 0.12, 0.11, 0.10])  # document 0 is far ahead for the model
    lexical = np.array([1.0, 1.2, 0.0, 0.0])  # and barely behind document 1 for BM25
    assert int(np.argmax(zscore_blend((dense, lexical), (0.5, 0.5)))) == 0
    fused = rrf((dense, lexical), k=60)
    assert fused[0] == fused[1]  # ranks 1 and 2 either way: RRF sees a tie


def test_rrf_scores_follow_cormack_et_al() -> None:
    fused = rrf((np.array([3.0, 2.0, 1.0]),), k=60)
    assert fused.tolist() == pytest.approx([1 / 61, 1 / 62, 1 / 63])


def test_fuse_dispatches_on_the_setting_and_names_the_options() -> None:
    dense, lexical = np.array([0.2, 0.9]), np.array([5.0, 1.0])
    assert np.argmax(fuse(dense, lexical, Settings(fusion="dense"))) == 1
    assert np.argmax(fuse(dense, lexical, Settings(fusion="lexical"))) == 0
    with pytest.raises(ValueError, match="fusions are: " + ", ".join(FUSIONS)):
        fuse(dense, lexical, Settings(fusion="magic"))


def test_a_passage_with_one_sentence_that_answers_gains_on_its_average() -> None:
    # Two passages alike in their own cosine and in BM25; the second has one close sentence.
    dense, lexical = np.array([0.50, 0.49, 0.10]), np.array([2.0, 2.0, 0.0])
    best = np.array([0.52, 0.80, 0.15])
    plain = fuse(dense, lexical, Settings(sentence_share=0.25))
    assert np.argmax(plain) == 0
    assert np.argmax(fuse(dense, lexical, Settings(sentence_share=0.25), best)) == 1
    weights = dense_weights(Settings(dense_weight=0.7, sentence_share=0.25), True)
    assert weights == pytest.approx((0.525, 0.3, 0.175)) and sum(weights) == pytest.approx(1)
    assert dense_weights(Settings(dense_weight=0.7), False) == pytest.approx((0.7, 0.3))


def test_each_passage_s_best_sentence_cosine(fake_engine: Engine) -> None:
    index = fake_engine.index
    retriever = Retriever(index, fake_engine.embedder, fake_engine.settings)
    vector = retriever.embed("kidney transplant rejection")
    expected = [
        max(float(index.sentence_vectors[row] @ vector) for row, _ in index.passage_sentences(p))
        for p in index.passages
    ]
    np.testing.assert_allclose(retriever.best_sentences(vector), expected, atol=1e-6)


def test_query_for_embedding_adds_expansions_for_the_model() -> None:
    assert query_for_embedding("Is MSC safe?") == "Is MSC safe? (mesenchymal stem cell; safety)"
    assert query_for_embedding("Is MSC safe?", expand=False) == "Is MSC safe?"
    assert query_for_embedding("hip pain") == "hip pain"


def test_acronym_question_finds_the_article_through_bm25(fake_engine: Engine) -> None:
    retriever = fake_engine._current().retriever
    question = "what does MS do to myelin"
    hits = retriever.search(question, retriever.embed(question), k=3)
    assert "multiple-sclerosis" in hits[0].passage.article_id
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_every_fusion_returns_k_distinct_passages(fake_engine: Engine) -> None:
    index = fake_engine.index
    for fusion in FUSIONS:
        engine_settings = replace(fake_engine.settings, fusion=fusion)
        retriever = type(fake_engine._current().retriever)(
            index, fake_engine.embedder, engine_settings
        )
        question = "hip osteoarthritis injection"
        hits = retriever.search(question, retriever.embed(question), k=5)
        assert len({h.passage.id for h in hits}) == 5


def test_ndcg_and_recall_follow_their_definitions() -> None:
    from mscqa.evaluate import ndcg_at_k, recall_at_k

    assert ndcg_at_k(["a", "b", "c"], {"a"}, 10) == 1.0
    assert ndcg_at_k(["b", "a"], {"a"}, 10) == pytest.approx(1 / np.log2(3))
    assert ndcg_at_k(["b", "c"], {"a"}, 10) == 0.0
    assert ndcg_at_k(["x", "a", "b"], {"a", "b"}, 10) == pytest.approx(
        (1 / np.log2(3) + 1 / np.log2(4)) / (1 + 1 / np.log2(3))
    )
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c"}, 2) == pytest.approx(1 / 3)
    assert recall_at_k([], set(), 100) == 0.0


def test_large_library_fusion_equals_full_scoring(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above EXACT_FUSION_MAX_PASSAGES only candidates are scored, with the library's mean and
    spread taken from vector moments: when the candidates cover every passage, the ranking
    and scores equal scoring every passage without the best sentence signal, which a large
    library leaves out."""
    import mscqa.search.retriever as retriever_module

    index = fake_engine.index
    assert fake_engine.settings.sentence_share > 0
    plain = replace(fake_engine.settings, sentence_share=0.0)
    full = Retriever(index, fake_engine.embedder, plain)
    monkeypatch.setattr(retriever_module, "EXACT_FUSION_MAX_PASSAGES", 0)
    large = Retriever(index, fake_engine.embedder, fake_engine.settings)
    assert large._matrix is None
    for question in ("hip joint cartilage injections", "kidney transplant rejection", "riluzole"):
        vector = full.embed(question)
        expected = full.search(question, vector, k=10)
        got = large.search(question, vector, k=10)
        assert [h.passage.id for h in got] == [h.passage.id for h in expected]
        np.testing.assert_allclose([h.score for h in got], [h.score for h in expected], atol=1e-6)


def test_embedding_with_known_words_matches_two_separate_calls(fake_engine: Engine) -> None:
    retriever = Retriever(fake_engine.index, fake_engine.embedder, fake_engine.settings)
    for question in ("Can stem cells treat zzyzx syndrome?", "hip osteoarthritis", "qwerty"):
        vector, known = retriever.embed_with_known(question)
        np.testing.assert_allclose(vector, retriever.embed(question), atol=1e-6)
        assert known == pytest.approx(retriever.known_similarity(question, vector), abs=1e-6)
