"""Ablation of the answer pipeline on an eval file: each row adds one part.

    .venv/bin/mscqa index build
    .venv/bin/python benchmarks/ablation.py ../shared/eval/dev.jsonl \
        benchmarks/data/calibration.jsonl benchmarks/data/claims.jsonl

Rows: dense only; BM25 only; hybrid (z-score blend or RRF); + query handling (term table on the
question); + sentence quotes (the calibrated sentence model instead of the top passage's most
similar sentence); + abstention (the calibrated "not covered" threshold); + answer ranker (the
learned ranker's score as one more feature, its model and threshold: the default). Rows before
abstention answer every question, so their out-of-scope refusal rate is 0 by construction.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mscqa.answers.calibration import FEATURES, Calibration, default_calibration
from mscqa.answers.quotes import Answer, find_quotes
from mscqa.answers.ranker import RANKER_DIR, shared_ranker
from mscqa.answers.verify import Verdict, check_statement
from mscqa.config import Settings
from mscqa.engine import Engine, answer_rules
from mscqa.evaluate import evaluate, read_items
from mscqa.search.retriever import Retriever

# Before sentence scoring: the passage ranking decides, then the most similar sentence in it.
TOP_PASSAGE_SENTENCE = Calibration(
    tuple({"sentence_cosine": 1.0, "retrieval_score": 100.0}.get(name, 0.0) for name in FEATURES),
    -10.0,
)


class Pipeline:
    """Engine.ask / Engine.check with the parts switched by the ablation row."""

    def __init__(self, engine: Engine, settings: Settings, calibration: Calibration) -> None:
        self.index = engine.index
        self.retriever = Retriever(self.index, engine.embedder, settings)
        self.settings = settings
        self.calibration = calibration

    def ask(self, text: str) -> Answer:
        vector, known = self.retriever.embed_with_known(text)
        hits = self.retriever.search(text, vector)
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


def rows(base: Settings) -> list[tuple[str, Settings, Calibration]]:
    without = replace(base, ranker=False)
    plain = replace(without, query_expansion=False, min_score=0.0)
    calibrated = default_calibration()
    return [
        ("dense only", replace(plain, fusion="dense"), TOP_PASSAGE_SENTENCE),
        ("BM25 only", replace(plain, fusion="lexical"), TOP_PASSAGE_SENTENCE),
        ("hybrid, RRF k=60", replace(plain, fusion="rrf"), TOP_PASSAGE_SENTENCE),
        (f"hybrid, z-score (dense {base.dense_weight})", replace(plain, fusion="zscore"),
         TOP_PASSAGE_SENTENCE),
        ("+ query handling", replace(plain, query_expansion=True), TOP_PASSAGE_SENTENCE),
        ("+ sentence quotes", replace(without, min_score=0.0), calibrated),
        (f"+ abstention (min_score {base.min_score})", without, calibrated),
        (f"+ answer ranker (min_score {base.ranker_min_score})", replace(base, ranker=True),
         calibrated),
    ]  # fmt: skip


def run(engine: Engine, path: Path, base: Settings) -> list[tuple[str, dict[str, float]]]:
    items = read_items(path)
    out = []
    for name, settings, calibration in rows(base):
        report = evaluate(Pipeline(engine, settings, calibration), items)
        out.append((name, report.metrics()))
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
            cells = [f"{metrics[k]:.3f}" if k == "mrr" else f"{metrics[k]:.0%}" for k in COLUMNS]
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
