"""The QA bi-encoder's training data and a training run on a tiny made-up set."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from mscqa.training.qa_encoder import OPENING_WORDS, Triplet, medquad_triplets, opening


def _medquad(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "medquad.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for doc, question, answer in rows:
            out.write(json.dumps({"doc_id": doc, "question": question, "answer": answer}) + "\n")
    return path


def test_each_question_meets_its_answer_and_another_answer_of_its_document(
    tmp_path: Path,
) -> None:
    path = _medquad(
        tmp_path,
        [
            ("gout", "What causes gout?", "What causes gout? Uric acid crystals in the joint."),
            ("gout", "How is gout treated?", "Rest, ice and drugs that lower uric acid."),
            ("gout", "Is gout inherited?", ""),  # no answer: never drawn, never a negative
            ("lone", "What is a bunion?", "A bony bump at the base of the big toe."),
        ],
    )
    triplets = medquad_triplets(path, questions=10)
    assert sorted(t.question for t in triplets) == ["How is gout treated?", "What causes gout?"]
    causes = next(t for t in triplets if t.question == "What causes gout?")
    # The line repeating the question is cut, or the model would learn to match it.
    assert causes.answer == "Uric acid crystals in the joint."
    assert causes.other == "Rest, ice and drugs that lower uric acid."
    assert medquad_triplets(path, questions=10) == triplets  # fixed seed
    assert len(opening("word " * 100).split()) == OPENING_WORDS


@pytest.mark.model
def test_training_on_a_tiny_set_brings_questions_nearer_their_answers(tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    from mscqa.training.crossencoder import TrainSettings, base_model_path
    from mscqa.training.qa_encoder import train_qa_encoder

    tiny = [
        Triplet("What colour is the sky?", "Blue on a clear day.", "Made of flour and water."),
        Triplet("How many legs has a spider?", "Eight legs.", "Four strings and a bow."),
        Triplet("Where do penguins live?", "Mostly in the far south.", "Towards the sea."),
    ]

    def margin(model: SentenceTransformer) -> float:
        q, a, o = (
            model.encode([getattr(t, f) for t in tiny]) for f in ("question", "answer", "other")
        )
        return float(np.mean(np.sum(q * a, axis=1) - np.sum(q * o, axis=1)))

    before = margin(SentenceTransformer(str(base_model_path()), device="cpu"))
    settings = TrainSettings(max_length=32, epochs=4, batch_size=3, learning_rate=1e-4)
    trained = train_qa_encoder(tiny, settings, tmp_path / "encoder")
    assert margin(trained) > before
    reloaded = SentenceTransformer(str(tmp_path / "encoder"), device="cpu")
    vectors = reloaded.encode(["What colour is the sky?"], normalize_embeddings=True)
    assert vectors.shape == (1, 384) and np.isclose(np.linalg.norm(vectors), 1.0, atol=1e-4)
