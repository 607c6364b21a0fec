"""Ablation of the answer pipeline on an eval file: each row adds one part.

    .venv/bin/mscqa index build
    .venv/bin/python benchmarks/ablation.py ../shared/eval/dev.jsonl \
        benchmarks/data/calibration.jsonl benchmarks/data/claims.jsonl

Rows: dense only; BM25 only; hybrid (z-score blend or RRF); + query handling (term table on the
question); + sentence quotes (the calibrated sentence model instead of the top passage's most
similar sentence); + abstention (the calibrated "not covered" threshold); + answer ranker (the
learned ranker's score as one more feature, its model and threshold: the default). Rows before
abstention answer every question, so their out-of-scope refusal rate is 0 by construction.
Rows before sentence quotes leave statements out (they are judged on the evidence sentence
scoring chooses); a column of a kind of item the file has none of reads "-".
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.answers.calibration import Calibration, default_calibration
from mscqa.answers.candidates import Candidate
from mscqa.answers.quotes import Answer, _quote, find_quotes
from mscqa.answers.ranker import RANKER_DIR, shared_ranker
from mscqa.answers.verify import Verdict, check_statement
from mscqa.config import Settings
from mscqa.engine import Engine, answer_rules
from mscqa.evaluate import EvalReport, evaluate, read_items
from mscqa.search.library import Library
from mscqa.search.retriever import Hit, Retriever


def top_passage_answer(
    question: str, vector: np.ndarray, hits: Sequence[Hit], index: Library, top_k: int
) -> Answer:
    """Before sentence scoring: the first `top_k` passages in retrieval order, each quoted by
    its sentence most similar to the question; no answer rule and no refusal."""
    quotes = []
    for hit in hits[:top_k]:
        rows = [row for row, _ in index.passage_sentences(hit.passage)]
        row = rows[int(np.argmax(index.sentence_vectors[rows] @ vector))]
        sentence = index.sentences[row]
        # The quote as `find_quotes` makes it, scored by the passage's fused retrieval score.
        quotes.append(
            _quote(Candidate(hit, row, (), hit.score), sentence.start, sentence.end, index)
        )
    return Answer(question, True, None, tuple(quotes))


class Pipeline:
    """Engine.ask / Engine.check with the parts switched by the ablation row; without a
    `calibration` it quotes as `top_passage_answer`."""

    def __init__(self, engine: Engine, settings: Settings, calibration: Calibration | None) -> None:
        self.index = engine.index
        self.retriever = Retriever(self.index, engine.embedder, settings)
        self.settings = settings
        self.calibration = calibration

    def ask(self, text: str) -> Answer:
        vector, known = self.retriever.embed_with_known(text)
        hits = self.retriever.search(text, vector)
        if self.calibration is None:
            return top_passage_answer(text, vector, hits, self.index, self.settings.top_k)
        rules: dict[str, Any] = dict(answer_rules(self.settings, known))
        if self.settings.ranker:  # as Engine.ask: the ranker's model and threshold
            folder = Path(self.settings.ranker_dir) if self.settings.ranker_dir else RANKER_DIR
            rules.update(
                min_score=self.settings.ranker_min_score,
                ranker=shared_ranker(folder),
                ranker_candidates=self.settings.ranker_candidates,
            )
        return find_quotes(text, vector, hits, self.index, calibration=self.calibration, **rules)

    def check(self, text: str) -> Verdict:
        if self.calibration is None:
            raise ValueError("a statement is judged on sentence scores: not in this row")
        vector, known = self.retriever.embed_with_known(text)
        hits = self.retriever.search(text, vector)
        rules = answer_rules(self.settings, known)
        return check_statement(
            text,
            vector,
            hits,
            self.index,
            min_coverage=self.settings.statement_min_coverage,
            calibration=self.calibration,
            **rules,
        )


def rows(base: Settings) -> list[tuple[str, Settings, Calibration | None]]:
    without = replace(base, ranker=False)
    plain = replace(without, query_expansion=False, min_score=0.0)
    calibrated = default_calibration()
    return [
        ("dense only", replace(plain, fusion="dense"), None),
        ("BM25 only", replace(plain, fusion="lexical"), None),
        ("hybrid, RRF k=60", replace(plain, fusion="rrf"), None),
        (f"hybrid, z-score (dense {base.dense_weight})", replace(plain, fusion="zscore"), None),
        ("+ query handling", replace(plain, query_expansion=True), None),
        ("+ sentence quotes", replace(without, min_score=0.0), calibrated),
        (f"+ abstention (min_score {base.min_score})", without, calibrated),
        (f"+ answer ranker (min_score {base.ranker_min_score})", replace(base, ranker=True),
         calibrated),
    ]  # fmt: skip


def measured(report: EvalReport) -> dict[str, float | None]:
    """The report's metrics, None for those of a kind of item the file (or row) has none of."""
    counts = {
        "out_of_scope_abstention_rate": report.out_of_scope,
        "claim_verdict_accuracy": report.claims,
    }
    return {
        key: value if counts.get(key, report.questions) else None
        for key, value in report.metrics().items()
    }


def run(engine: Engine, path: Path, base: Settings) -> list[tuple[str, dict[str, float | None]]]:
    items = read_items(path)
    out = []
    for name, settings, calibration in rows(base):
        # Statements are judged on the evidence sentence scoring chooses: rows without it
        # leave claims out.
        chosen = [i for i in items if calibration is not None or i.kind != "claim"]
        report = evaluate(Pipeline(engine, settings, calibration), chosen)
        out.append((name, measured(report)))
    return out


COLUMNS = {
    "top1_article_accuracy": "top-1",
    "quote_hit_at_1": "quote@1",
    "evidence_hit_at_1": "hit@1",
    "evidence_hit_at_3": "hit@3",
    "mrr": "MRR",
    "false_abstention_rate": "false NC",
    "out_of_scope_abstention_rate": "OOS NC",
    "claim_verdict_accuracy": "claims",
}


def cell(column: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if column == "mrr" else f"{value:.0%}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    base = Settings.from_env()
    engine = Engine(base)
    for path in args.files:
        print(f"\n{path}\n")
        print("| pipeline | " + " | ".join(COLUMNS.values()) + " |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for name, metrics in run(engine, path, base):
            cells = [cell(k, metrics.get(k)) for k in COLUMNS]
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
