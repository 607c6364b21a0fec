"""benchmarks/ablation.py: rows before sentence scoring quote retrieval's order as it is."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from conftest import load_benchmark
from mscqa.engine import Engine


@pytest.fixture(scope="module")
def ablation() -> ModuleType:
    return load_benchmark("ablation.py")


QUESTION = "What did the Harris Hip score show after the injection?"


def test_an_early_row_quotes_each_top_passage_by_its_closest_sentence(
    ablation: ModuleType, fake_engine: Engine
) -> None:
    settings = replace(fake_engine.settings, query_expansion=False, min_score=0.0)
    pipeline = ablation.Pipeline(fake_engine, settings, None)
    vector, _ = pipeline.retriever.embed_with_known(QUESTION)
    hits = pipeline.retriever.search(QUESTION, vector)
    answer = pipeline.ask(QUESTION)
    index = fake_engine.index
    assert answer.answered and len(answer.quotes) == min(settings.top_k, len(hits))
    for quote, hit in zip(answer.quotes, hits, strict=False):
        # The passages in retrieval order, each quoted verbatim inside itself ...
        assert (quote.article_id, quote.passage_start) == (
            hit.passage.article_id,
            hit.passage.start,
        )
        assert index.articles[quote.article_id].text[quote.start : quote.end] == quote.quote
        assert hit.passage.start <= quote.start < quote.end <= hit.passage.end
        # ... by the sentence of the passage closest to the question.
        rows = index.passage_sentences(hit.passage)
        closest = max(rows, key=lambda r: float(index.sentence_vectors[r[0]] @ vector))[1]
        assert quote.start == closest.start
    # No answer rule moves or refuses anything: the whole library is searched in order.
    assert pipeline.ask("zzz qqq").answered


def test_rows_leave_out_what_they_cannot_judge(
    ablation: ModuleType, fake_engine: Engine, tmp_path: Path
) -> None:
    title = "Mesenchymal Stem Cells Injection Improves Hip Osteoarthritis"
    items = [
        {"kind": "question", "question": QUESTION, "title": title, "evidence": ["Harris Hip"]},
        {"kind": "claim", "question": "Stem cells improved hip function.", "title": title},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    rows = dict(ablation.run(fake_engine, path, fake_engine.settings))
    assert list(rows) == [name for name, _, _ in ablation.rows(fake_engine.settings)]
    first, last = rows["dense only"], rows[list(rows)[-1]]
    # Statements are judged on sentence scores, which the early rows do not have; the file
    # has no out-of-scope item, so that column is empty in every row.
    assert first["claim_verdict_accuracy"] is None and last["claim_verdict_accuracy"] is not None
    assert first["out_of_scope_abstention_rate"] is None
    assert first["top1_article_accuracy"] is not None
    assert ablation.cell("mrr", None) == "-" and ablation.cell("mrr", 0.5) == "0.500"
