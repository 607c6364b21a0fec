"""Past EXACT_SEARCH_MAX_PASSAGES the passage vectors go into HNSW; answers stay the same."""

from __future__ import annotations

import pytest

from conftest import build
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index import build as index_module
from mscqa.index.embedder import HashingEmbedder

QUESTIONS = (
    "What did ALS trials find about the safety of bone marrow cells?",
    "Does an injection help an arthritic hip?",
    "How long must pain last to be chronic?",
    "What do stem cells do to immune cells?",
)


def test_a_large_index_uses_hnsw_with_the_same_answers(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    build(fake_settings, HashingEmbedder())
    exact = Engine(fake_settings, HashingEmbedder())
    expected = [exact.ask(q).to_dict() for q in QUESTIONS]
    assert isinstance(exact.index.passage_vectors, faiss.IndexFlatIP)

    monkeypatch.setattr(index_module, "EXACT_SEARCH_MAX_PASSAGES", 5)
    build(fake_settings, HashingEmbedder())
    approximate = Engine(fake_settings, HashingEmbedder())
    assert isinstance(approximate.index.passage_vectors, faiss.IndexHNSWFlat)
    assert [approximate.ask(q).to_dict() for q in QUESTIONS] == expected
    # Incremental updates read the vectors back out of the HNSW index.
    report = build(fake_settings, HashingEmbedder(), incremental=True)
    assert report.embedded_passages == 0  # type: ignore[attr-defined]
