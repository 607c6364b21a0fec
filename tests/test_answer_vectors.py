"""The answer ranker's sentence vectors stored in the index: made once by the build, reused by
updates, read at question time instead of embedding sentences, refused when damaged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import build, run_cli
from mscqa.answers.candidates import score_candidates
from mscqa.answers.ranker import BiEncoderRanker, vector_model
from mscqa.config import Settings
from mscqa.corpus.passages import sentence_reading
from mscqa.engine import Engine
from mscqa.errors import IndexCorruptError
from mscqa.index.embedder import HashingEmbedder
from mscqa.index.load import ANSWER_VECTORS_FILE, LoadedIndex, load_index
from mscqa.index.store import VERSIONS, current_version

QUESTION = "What do stem cells do in ALS?"


class CountingHasher(HashingEmbedder):
    """The hashing embedder, recording every text it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
        self.texts.extend(texts)
        return super().encode(list(texts), **kwargs)


def hashing_ranker(model_id: str = "hashing-ranker@1") -> tuple[BiEncoderRanker, CountingHasher]:
    encoder = CountingHasher()
    return BiEncoderRanker(encoder, {"model_id": model_id}), encoder  # type: ignore[arg-type]


def readings(index: LoadedIndex) -> list[str]:
    return [sentence_reading(index.sentences, row) for row in range(len(index.sentences))]


def ranked(engine: Engine, ranker: BiEncoderRanker) -> list[tuple[int, float]]:
    retriever = engine._current().retriever
    vector = retriever.embed(QUESTION)
    hits = retriever.search(QUESTION, vector)
    shown = score_candidates(QUESTION, vector, hits, engine.index, ranker=ranker)
    return [(c.row, c.probability) for c in shown]


def test_questions_read_the_rankers_sentence_vectors_from_the_index(
    fake_settings: Settings,
) -> None:
    ranker, encoder = hashing_ranker()
    report = build(fake_settings, HashingEmbedder(), answers=ranker)
    engine = Engine(fake_settings, HashingEmbedder())
    index = engine.index
    assert index.answer_model == "hashing-ranker@1"
    assert report.embedded_answers == len(index.sentences)
    assert index.answer_vectors is not None
    np.testing.assert_array_equal(index.answer_vectors, ranker.embed_each(readings(index)))

    encoder.texts.clear()
    stored = ranked(engine, ranker)
    assert len(encoder.texts) == 1  # the question: every sentence's vector was in the index
    # Other weights read none of them, embed each sentence they meet, and with the same
    # vectors rank the same.
    other, other_encoder = hashing_ranker("hashing-ranker@2")
    assert ranked(engine, other) == stored and len(other_encoder.texts) > 1


def test_an_update_embeds_only_what_it_has_not_got_for_the_same_ranker(
    fake_settings: Settings,
) -> None:
    ranker, _ = hashing_ranker()
    build(fake_settings, HashingEmbedder(), answers=ranker)
    path = next(fake_settings.corpus_dir.glob("*hip*.md"))
    path.write_text(path.read_text().replace("painful condition", "very painful condition"))
    report = build(fake_settings, HashingEmbedder(), True, ranker)
    updated = load_index(fake_settings.index_dir)
    assert 0 < report.embedded_answers < len(updated.sentences)
    assert updated.answer_vectors is not None
    np.testing.assert_array_equal(updated.answer_vectors, ranker.embed_each(readings(updated)))
    # Other weights: every sentence again; no ranker: none stored.
    other, _ = hashing_ranker("hashing-ranker@2")
    assert build(fake_settings, HashingEmbedder(), True, other).embedded_answers == len(
        updated.sentences
    )
    build(fake_settings, HashingEmbedder(), True)
    plain = load_index(fake_settings.index_dir)
    assert plain.answer_vectors is None and plain.answer_model == ""


def _folder(settings: Settings) -> Path:
    return settings.index_dir / VERSIONS / current_version(settings.index_dir)


ANSWER_DAMAGES = {
    "truncated": lambda path: path.write_bytes(path.read_bytes()[:-700]),
    "garbage": lambda path: path.write_bytes(b"\x93NUMPY" * 9),
    "one row fewer": lambda path: np.save(path, np.load(path)[:-1]),
    "not float32": lambda path: np.save(path, np.load(path).astype(np.float64)),
    "missing": lambda path: path.unlink(),
}


@pytest.mark.parametrize("damage", sorted(ANSWER_DAMAGES))
def test_damaged_answer_vectors_are_refused_in_one_line_naming_the_fix(
    fake_settings: Settings, damage: str
) -> None:
    build(fake_settings, HashingEmbedder(), answers=hashing_ranker()[0])
    ANSWER_DAMAGES[damage](_folder(fake_settings) / ANSWER_VECTORS_FILE)
    with pytest.raises(IndexCorruptError) as caught:
        load_index(fake_settings.index_dir)
    message = str(caught.value)
    assert "\n" not in message and "mscqa index build" in message
    assert ANSWER_VECTORS_FILE in message or "answer vectors" in message
    code, out, err = run_cli(fake_settings, "ask", QUESTION)
    assert code == 1 and out == "" and err.count("\n") == 1 and "mscqa index build" in err


@pytest.mark.skipif(vector_model() is None, reason="no bi-encoder ranker shipped")
def test_an_index_without_the_rankers_vectors_reads_as_stale_and_an_update_adds_them(
    fake_settings: Settings,
) -> None:
    build(fake_settings, HashingEmbedder())  # the ranker off: no vectors stored
    settings = replace(fake_settings, ranker=True)
    status = Engine(settings, HashingEmbedder()).status()
    assert status.state == "stale" and "answer ranker" in status.message
    assert "mscqa index update" in status.message
    report = Engine(settings, HashingEmbedder()).rebuild(incremental=True)
    assert report.embedded_sentences == 0 and report.embedded_answers == report.total_sentences
    assert Engine(settings, HashingEmbedder()).status().state == "fresh"
    assert load_index(settings.index_dir).answer_model == vector_model()
