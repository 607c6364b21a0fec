"""The answer ranker's bi-encoder: its training data, a training run on a tiny made-up set with
its int8 ONNX export, and what it reads when it ranks."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from mscqa.answers.ranker import BiEncoderRanker
from mscqa.training.qa_encoder import (
    OPENING_WORDS,
    Triplet,
    held_out,
    medquad_triplets,
    opening,
    own_answer_first,
    scifact_triplets,
)


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


def test_documents_measured_on_are_never_trained_on(tmp_path: Path) -> None:
    docs = [f"doc-{n}" for n in range(60)]
    rows = [(d, f"{kind} of {d}?", f"The {kind} of {d} is told.") for d in docs
            for kind in ("cause", "outlook")]  # fmt: skip
    path = _medquad(tmp_path, rows)
    trained = medquad_triplets(path, questions=1000)
    measured = medquad_triplets(path, questions=1000, measured=True)
    kept_out = {d for d in docs if held_out(d)}
    assert kept_out and len(kept_out) < len(docs) / 5
    assert {t.question.split(" of ")[1][:-1] for t in measured} == kept_out
    assert not {t.question for t in trained} & {t.question for t in measured}
    assert len(trained) + len(measured) == len(rows)


def test_covidqa_questions_meet_their_answer_sentence_and_another_of_the_article(
    made_up_covidqa: Path,
) -> None:
    from mscqa.training.qa_encoder import covidqa_triplets
    from mscqa.training.ranker_data import article_fold

    triplets = covidqa_triplets(made_up_covidqa, negatives=1)
    assert [t.question for t in triplets] == [
        "How warm is the middle of a bee cluster?",
        "How much honey does a colony need in winter?",
    ]
    warm, honey = triplets
    assert "thirty-five degrees" in warm.answer and "thirty-five" not in warm.other
    assert "twenty kilograms" in honey.answer and "twenty kilograms" not in honey.other
    assert all("\n" not in t.answer + t.other for t in triplets)  # the sentence alone
    assert covidqa_triplets(made_up_covidqa, negatives=1) == triplets  # fixed seed
    fold = article_fold("made-up-1")
    assert covidqa_triplets(made_up_covidqa, fold, negatives=1) == triplets
    assert covidqa_triplets(made_up_covidqa, 1 - fold) == []
    twice = covidqa_triplets(made_up_covidqa, negatives=2)
    assert [t.question for t in twice] == [q for q in [t.question for t in triplets] for _ in "ab"]
    assert all(len({t.other for t in twice if t.question == q.question}) == 2 for q in triplets)
    assert all(
        t.answer == next(u.answer for u in triplets if u.question == t.question) for t in twice
    )


def test_scifact_claims_meet_a_rationale_sentence_and_one_no_evidence_names(
    tmp_path: Path,
) -> None:
    abstract = [
        "Worker bees keep the cluster warm.",
        "The centre of the cluster stays near 35 degrees.",
        "Drones leave the hive in spring.",
        "Queens lay fewer eggs in winter.",
    ]
    corpus = [{"doc_id": 7, "title": "Bees", "abstract": abstract}]
    claims = [
        # Two evidence sets: neither's sentences may be a negative.
        {"id": 1, "claim": "A bee cluster's centre is warm.", "cited_doc_ids": [7],
         "evidence": {"7": [{"sentences": [1], "label": "SUPPORT"},
                            {"sentences": [0], "label": "SUPPORT"}]}},
        {"id": 2, "claim": "Drones stay home all year.", "cited_doc_ids": [7],
         "evidence": {"7": [{"sentences": [2], "label": "CONTRADICT"}]}},
        {"id": 3, "claim": "Bees sleep at night.", "cited_doc_ids": [7], "evidence": {}},
    ]  # fmt: skip
    (tmp_path / "corpus_sentences.jsonl").write_text(json.dumps(corpus[0]) + "\n")
    (tmp_path / "claims_train.jsonl").write_text("\n".join(json.dumps(c) for c in claims))
    # The dev claims measure statement checks: never read, so a broken file changes nothing.
    (tmp_path / "claims_dev.jsonl").write_text("not json")
    triplets = {t.question: t for t in scifact_triplets(tmp_path, 10)}
    assert set(triplets) == {"A bee cluster's centre is warm.", "Drones stay home all year."}
    warm = triplets["A bee cluster's centre is warm."]
    assert warm.answer == abstract[0] and warm.other in abstract[2:]
    drones = triplets["Drones stay home all year."]  # a contradicted claim's evidence is on topic
    assert drones.answer == abstract[2] and drones.other != abstract[2]
    assert len(scifact_triplets(tmp_path, 1)) == 1 and scifact_triplets(tmp_path, 0) == []


def test_own_answer_first_counts_questions_nearer_their_own_answer() -> None:
    vectors = {"q": [1.0, 0.0], "near": [0.9, 0.1], "far": [0.0, 1.0]}

    def encode(texts: list[str]) -> np.ndarray:
        return np.array([vectors[t] for t in texts])

    right, wrong = Triplet("q", "near", "far"), Triplet("q", "far", "near")
    assert own_answer_first(encode, [right, right, wrong]) == pytest.approx(2 / 3)
    assert own_answer_first(encode, []) == 0.0


class CountingEncoder:
    """Vectors by the first letter of a text; records every batch it is asked to embed."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        out = np.array([[1.0, 0.0] if t[:1].lower() == "b" else [0.0, 1.0] for t in texts])
        return out.astype(np.float32)


def test_a_bi_encoder_ranker_embeds_each_sentence_once_and_scores_by_cosine() -> None:
    encoder = CountingEncoder()
    ranker = BiEncoderRanker(encoder, {})  # type: ignore[arg-type]
    scores = ranker.score("bees?", ["Bees cluster.", "Ants march.", "Bees cluster."])
    assert scores.tolist() == [1.0, 0.0, 1.0] and not ranker.context
    # Each sentence once, and alone (the question is the first batch).
    assert encoder.batches[1:] == [["Bees cluster."], ["Ants march."]]
    ranker.score("ants?", ["Ants march.", "Birds sing."])
    assert encoder.batches[4:] == [["Birds sing."]]  # only what was not embedded before
    assert ranker.score("any?", []).shape == (0,)


def test_a_bi_encoder_ranker_reads_each_candidate_sentence_alone(fake_engine: object) -> None:
    from mscqa.answers.candidates import score_candidates
    from mscqa.engine import Engine

    assert isinstance(fake_engine, Engine)
    retriever = fake_engine._current().retriever
    question = "What do stem cells do in ALS?"
    vector = retriever.embed(question)
    hits = retriever.search(question, vector)
    encoder = CountingEncoder()
    ranker = BiEncoderRanker(encoder, {})  # type: ignore[arg-type]
    shown = score_candidates(question, vector, hits, fake_engine.index, ranker=ranker)
    read = [text for batch in encoder.batches[1:] for text in batch]
    sentences = {fake_engine.index.sentences[c.row].text for c in shown}
    assert shown and set(read) == sentences and all("\n" not in text for text in read)


def test_a_model_that_passes_its_checksums_but_does_not_load_is_one_line(tmp_path: Path) -> None:
    import hashlib
    import shutil

    from mscqa.answers.ranker import BI_ENCODER, load_ranker
    from mscqa.answers.scorer import ModelFileError
    from mscqa.config import Settings

    folder = tmp_path / "ranker"
    folder.mkdir()
    shutil.copy2(Settings().model_path / "tokenizer.json", folder / "tokenizer.json")
    (folder / "model.onnx").write_bytes(b"not an onnx graph")
    files = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("model.onnx", "tokenizer.json")
    }
    manifest = {"format": 1, "kind": BI_ENCODER, "dim": 384, "files": files}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError) as raised:
        load_ranker(folder)
    message = str(raised.value)
    assert "\n" not in message and "cannot be loaded" in message and "make train" in message


@pytest.mark.model
def test_the_int8_export_ranks_as_the_trained_model_and_loads_with_its_checksum(
    tmp_path: Path,
) -> None:
    from sentence_transformers import SentenceTransformer

    from mscqa.answers.ranker import load_ranker
    from mscqa.answers.scorer import ModelFileError
    from mscqa.training.qa_encoder import ship

    model = SentenceTransformer(str(_base()), device="cpu")
    model.save(str(tmp_path / "torch"))
    folder = ship(tmp_path / "torch", tmp_path / "ranker", {"figures": {"made_up": 1}})
    ranker = load_ranker(folder)
    assert isinstance(ranker, BiEncoderRanker) and ranker.manifest["figures"] == {"made_up": 1}
    question = "How warm is the middle of a bee cluster?"
    sentences = [
        "The cluster keeps its centre near thirty-five degrees.",
        "Queens stop laying eggs in the coldest weeks.",
        "A colony eats about twenty kilograms of honey over a winter.",
    ]
    asked = model.encode([question], normalize_embeddings=True)[0]
    expected = model.encode(sentences, normalize_embeddings=True) @ asked
    scores = ranker.score(question, sentences)
    assert np.argmax(scores) == np.argmax(expected) == 0
    assert np.max(np.abs(scores - expected)) < 0.05  # int8 weights against float32
    damaged = (folder / "model.onnx").read_bytes()
    (folder / "model.onnx").write_bytes(damaged[:-10] + bytes(10))
    with pytest.raises(ModelFileError) as raised:
        load_ranker(folder)
    message = str(raised.value)
    assert "\n" not in message and "damaged" in message and "make train" in message


def _base() -> Path:
    from mscqa.training.crossencoder import base_model_path

    return base_model_path()
