"""The answer ranker: training pairs from answer spans, what it reads, its place in answering,
and the shipped weights (checksum, parity with torch, refusal of damaged files)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mscqa.answers.calibration import RANKER_FEATURES, Calibration
from mscqa.answers.candidates import ranker_text, read_by, score_candidates
from mscqa.answers.quotes import find_quotes
from mscqa.answers.ranker import RANKER_DIR, SENTENCE_WORDS, candidate_text, load_ranker
from mscqa.engine import Engine
from mscqa.training.ranker_data import (
    article_fold,
    covidqa_pairs,
    medquad_pairs,
    own_pairs,
    read_covidqa,
    read_pairs,
    write_pairs,
)


def test_answer_offsets_point_at_the_answer_in_the_loaded_article(made_up_covidqa: Path) -> None:
    articles, questions = read_covidqa(made_up_covidqa)
    for q in questions:
        assert articles[q.article_id].text[q.start : q.end] == q.answer


def test_a_sentence_holding_the_answer_text_is_never_a_negative(made_up_covidqa: Path) -> None:
    pairs = covidqa_pairs(made_up_covidqa, negatives=10)
    warm = [p for p in pairs if p.question.startswith("How warm")]
    positives = [p.candidate for p in warm if p.label == 1.0]
    negatives = [p.candidate.split("\n")[0] for p in warm if p.label == 0.0]
    # The answer's sentence is repeated in the second paragraph: both are positives.
    assert len(positives) == 2
    assert all("thirty-five" in p.split("\n")[0].replace("\n", " ") for p in positives)
    assert negatives and not any("thirty-five" in n for n in negatives)
    assert all(p.candidate.split("\n")[1] == "Bees in Cold Winters" for p in pairs)


def test_the_chosen_articles_only(made_up_covidqa: Path) -> None:
    assert covidqa_pairs(made_up_covidqa, articles_in=set()) == []
    assert article_fold("made-up-1") in (0, 1)


def test_medquad_pairs_oppose_answers_of_one_document(tmp_path: Path) -> None:
    rows = [
        {"doc_id": doc, "focus": doc, "question": f"{kind} of {doc}?",
         "answer": f"What is the {kind} of {doc}? The {kind} of {doc} is told here."}
        for doc in ("alpha", "beta") for kind in ("cause", "outlook", "treatment")
    ]  # fmt: skip
    path = tmp_path / "medquad.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in rows)
    pairs = medquad_pairs(path, questions=4, negatives=3)
    assert len(pairs) == 16 and sum(p.label for p in pairs) == 4
    for positive in pairs[::4]:
        assert positive.candidate.startswith("The ")  # the echoed question is cut
    write_pairs(pairs, tmp_path / "pairs.jsonl.gz")
    assert read_pairs(tmp_path / "pairs.jsonl.gz") == pairs


def test_the_sentence_comes_first_and_is_bounded() -> None:
    long = " ".join(f"w{i}" for i in range(200))
    text = candidate_text("A title", long, before="Before it.", after="After it.")
    first, title, context = text.split("\n")
    assert len(first.split()) == SENTENCE_WORDS + 1 and first.endswith("…")
    assert title == "A title" and context == "Before it. After it."


class WordRanker:
    """Scores a candidate 5 when its sentence (first line) has `word`, else -5."""

    context = True

    def __init__(self, word: str) -> None:
        self.word = word
        self.seen: list[int] = []

    def score(self, question: str, candidates: Sequence[str]) -> np.ndarray:
        self.seen.append(len(candidates))
        return np.array([5.0 if self.word in c.split("\n")[0] else -5.0 for c in candidates])


def only_the_ranker() -> Calibration:
    weights = tuple(1.0 if name == "ranker" else 0.0 for name in RANKER_FEATURES)
    return Calibration(weights, 0.0, covered_weights=(1.0, 0.0, 0.0, 0.0))


def test_the_ranker_chooses_among_a_bounded_set(fake_engine: Engine) -> None:
    retriever = fake_engine._current().retriever
    question = "What do stem cells do in ALS?"
    vector = retriever.embed(question)
    hits = retriever.search(question, vector)
    index = fake_engine.index
    first, runner_up = (
        index.sentences[c.row].text for c in score_candidates(question, vector, hits, index)[:2]
    )
    # The longest word of the second candidate sentence that the first does not have.
    second = max((w for w in runner_up.replace("—", " ").split() if w not in first), key=len)
    second = second.strip(".,()")
    ranker = WordRanker(second)
    ranked = find_quotes(
        question, vector, hits, fake_engine.index, top_k=3, min_score=0.0,
        ranker=ranker, ranker_candidates=5, ranker_model=only_the_ranker(),
    )  # fmt: skip
    assert ranker.seen == [5]
    assert second in ranked.quotes[0].quote
    assert ranked.quotes[0].score == pytest.approx(1 / (1 + np.exp(-5.0)), abs=1e-3)
    for quote in ranked.quotes:
        assert fake_engine.index.articles[quote.article_id].text[quote.start : quote.end] == (
            quote.quote
        )


def test_a_low_ranker_score_means_not_covered(fake_engine: Engine) -> None:
    retriever = fake_engine._current().retriever
    question = "What do stem cells do in ALS?"
    vector = retriever.embed(question)
    hits = retriever.search(question, vector)
    answer = find_quotes(
        question, vector, hits, fake_engine.index, top_k=3, min_score=0.5,
        ranker=WordRanker("no-such-word"), ranker_model=only_the_ranker(),
    )  # fmt: skip
    assert not answer.answered


def test_a_weighted_ranker_reorders_but_never_decides_coverage(fake_engine: Engine) -> None:
    retriever = fake_engine._current().retriever
    index = fake_engine.index
    question = "What do stem cells do in ALS?"
    vector = retriever.embed(question)
    hits = retriever.search(question, vector)
    plain = find_quotes(question, vector, hits, index, top_k=3, min_score=0.0)
    shown = [index.sentences[c.row].text for c in score_candidates(question, vector, hits, index)]
    last = shown[4]  # the last of the 5 the ranker reads
    word = next(w for w in last.split() if not any(w in other for other in shown[:4]))
    rules = {"top_k": 3, "min_score": 0.0, "ranker_candidates": 5}
    light = find_quotes(
        question, vector, hits, index, ranker=WordRanker(word), ranker_weight=1e-4, **rules
    )
    # A small weight keeps the order: the same sentence leads (its quote may take in fewer
    # neighbours, whose probabilities the ranker's five do not all carry).
    assert shown[0] in light.quotes[0].quote and shown[0] in plain.quotes[0].quote
    heavy = find_quotes(
        question, vector, hits, index, ranker=WordRanker(word), ranker_weight=10.0, **rules
    )
    assert last in heavy.quotes[0].quote and last not in plain.quotes[0].quote
    # The first scoring's probabilities stay: a ranker scoring nothing well refuses nothing more.
    assert find_quotes(question, vector, hits, index, top_k=3, min_score=0.5).answered
    kept = find_quotes(
        question, vector, hits, index, ranker=WordRanker("no-such-word"), ranker_weight=10.0,
        **{**rules, "min_score": 0.5},
    )  # fmt: skip
    assert kept.answered and shown[0] in kept.quotes[0].quote


def test_medquad_pairs_leave_out_questions_seen_before(tmp_path: Path) -> None:
    rows = [
        {"doc_id": doc, "focus": doc, "question": f"{kind} of {doc}?", "answer": f"{kind} told."}
        for doc in ("alpha", "beta") for kind in ("cause", "outlook")
    ]  # fmt: skip
    path = tmp_path / "medquad.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in rows)
    seen = frozenset({"cause of alpha?", "outlook of beta?"})
    pairs = medquad_pairs(path, questions=4, exclude=seen)
    assert {p.question for p in pairs} == {"outlook of alpha?", "cause of beta?"}


def test_ranker_text_reads_neighbours_of_the_same_article_only(fake_engine: Engine) -> None:
    index = fake_engine.index
    first_row = index.sentence_offset[index.sentences[0].article_id]
    text = ranker_text(first_row, index)
    sentence, title = text.split("\n")[:2]
    assert sentence == index.sentences[first_row].text
    assert title == index.articles[index.sentences[first_row].article_id].title


def test_a_ranker_of_sentences_alone_reads_one_pointing_back_after_the_one_before(
    fake_engine: Engine,
) -> None:
    index = fake_engine.index

    class Alone:
        context = False

    read = {row: read_by(Alone(), row, index) for row in range(len(index.sentences))}
    after = [row for row, text in read.items() if text != index.sentences[row].text]
    assert after, "the articles have sentences opening with 'These ...'"
    for row in after:
        before, sentence = index.sentences[row - 1], index.sentences[row]
        assert before.article_id == sentence.article_id
        assert read[row] == f"{before.text} {sentence.text}"


shipped = pytest.mark.skipif(
    not (RANKER_DIR / "manifest.json").is_file(), reason="no ranker weights shipped"
)


@shipped
def test_shipped_weights_load_with_their_checksum_and_rank() -> None:
    ranker = load_ranker()
    manifest = ranker.manifest  # type: ignore[attr-defined]
    assert manifest["files"] and manifest["base_model"].startswith("sentence-transformers/all-")
    assert manifest["data"] and all(len(d["sha256"]) == 64 for d in manifest["data"])
    assert manifest["parity_int8_vs_torch"]["same_preference"] >= 0.95
    question = "How warm is the middle of a bee cluster?"
    sentences = [
        "The cluster keeps its centre near 35 °C.",
        "Queens stop laying eggs in the coldest weeks.",
    ]
    read = sentences if not ranker.context else [candidate_text("Bees", s) for s in sentences]
    scores = ranker.score(question, read)
    assert scores[0] > scores[1]
    assert sum(f.stat().st_size for f in RANKER_DIR.iterdir()) <= 30 * 2**20


def test_a_sentence_scores_the_same_whatever_was_embedded_beside_it() -> None:
    # int8 weights quantise activations over a whole batch: embedded with longer or shorter
    # sentences, a sentence would get another vector, and an answer would depend on the
    # questions asked before it in the same process.
    question = "How warm is the middle of a bee cluster?"
    sentence = "The cluster keeps its centre near 35 °C."
    others = [
        "In the coldest weeks of a long northern winter the outer bees pack tightly together, "
        "shivering their flight muscles to make heat while the queen rests inside.",
        "Drones die.",
    ]
    alone = load_ranker().score(question, [sentence])[0]
    beside = load_ranker().score(question, [others[0], sentence, others[1]])[1]
    assert alone == pytest.approx(beside, abs=1e-6)  # before the fix: 0.004 apart


def test_ask_names_the_fix_when_the_weights_are_missing(
    tmp_path: Path, fake_env: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import build, run_cli
    from mscqa.index.embedder import HashingEmbedder

    build(fake_env, HashingEmbedder())
    (tmp_path / "ranker").mkdir()
    monkeypatch.setenv("MSCQA_RANKER", "1")
    monkeypatch.setenv("MSCQA_RANKER_DIR", str(tmp_path / "ranker"))
    code, out, err = run_cli(fake_env, "ask", "What do stem cells do in ALS?")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "manifest.json" in err and "make train" in err
    monkeypatch.setenv("MSCQA_RANKER", "0")
    code, out, _ = run_cli(fake_env, "ask", "What do stem cells do in ALS?")
    assert code == 0 and out


def test_own_questions_pair_their_evidence_sentence_against_the_same_article(
    made_up_covidqa: Path, tmp_path: Path
) -> None:
    """Our questions file: the sentence holding an evidence string (curly or straight quotes,
    any case) is a positive; other sentences of the article are negatives; lines that are not
    in-scope questions, or name no article of the corpus, are left out."""
    questions = tmp_path / "own.jsonl"
    rows = [
        {"id": "a", "kind": "question", "question": "do bees shiver in winter",
         "title": "Bees in Cold Winters", "evidence": ["SHIVER their flight muscles"]},
        {"id": "b", "kind": "out_of_scope", "question": "do wasps sleep", "title": None,
         "evidence": []},
        {"id": "c", "kind": "question", "question": "what do ants eat",
         "title": "Ants in Summer", "evidence": ["seeds"]},
    ]  # fmt: skip
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pairs = own_pairs(questions, made_up_covidqa / "corpus", negatives=3, seed=1)
    assert {p.question for p in pairs} == {"do bees shiver in winter"}
    positives = [p for p in pairs if p.label == 1.0]
    assert len(positives) == 1 and positives[0].candidate.startswith("Bees at the edge shiver")
    negatives = [p for p in pairs if p.label == 0.0]
    assert len(negatives) == 3 and not any(
        "shiver" in p.candidate.split("\n")[0] for p in negatives
    )


def test_a_ranker_calibration_fitted_on_other_features_names_the_fix(
    fake_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mscqa import engine as engine_module
    from mscqa.answers import calibration
    from mscqa.answers.scorer import ModelFileError

    stale = tmp_path / "calibration_ranker.json"
    fitted = json.loads(calibration.RANKER_CALIBRATION_FILE.read_text(encoding="utf-8"))
    stale.write_text(json.dumps({**fitted, "features": ["an", "older", "feature", "set"]}))
    monkeypatch.setattr(calibration, "RANKER_CALIBRATION_FILE", stale)
    monkeypatch.setattr(engine_module, "RANKER_CALIBRATION_FILE", stale)
    calibration.ranker_calibration.cache_clear()
    monkeypatch.setattr(engine_module, "shared_ranker", lambda folder: object())
    engine = Engine(replace(fake_engine.settings, ranker=True), fake_engine.embedder)
    with pytest.raises(ModelFileError) as raised:
        _ = engine.ranker
    message = str(raised.value)
    assert "\n" not in message and "--ranker --write" in message and "MSCQA_RANKER=0" in message
    calibration.ranker_calibration.cache_clear()
