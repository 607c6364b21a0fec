"""The weight of the ranker's logit when it reorders the candidates (`MSCQA_RANKER_WEIGHT`,
answer.fuse), chosen on COVID-QA questions: one fold's, never those it is then measured on.

    .venv/bin/python benchmarks/ranker_weight.py --fold 0 --ranker DIR [--data DIR]

For each question of the fold, the candidates the ranker is shown (the best
`ranker_candidates` sentences of the first scoring) are scored once; then for each weight, the
share of questions whose first sentence overlaps the answer (sentence hit@1), against 0 (the
order without the ranker). Prints the table and the best weight (the smallest of ties).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from covidqa import DEFAULT_DATA, index_dir_for
from mscqa.answers.candidates import ranker_text, score_candidates
from mscqa.answers.ranker import load_ranker
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.training.ranker_data import article_fold, hits, read_covidqa

WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 100.0)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--fold", type=int, choices=(0, 1), required=True)
    parser.add_argument("--ranker", type=Path, required=True, help="ranker weights folder")
    args = parser.parse_args(argv)

    settings = Settings.from_env(
        corpus_dir=args.data / "corpus", index_dir=index_dir_for(args.data), ranker=False
    )
    loaded = Engine(settings)._current()
    ranker = load_ranker(args.ranker)
    _, questions = read_covidqa(args.data)
    questions = [q for q in questions if article_fold(q.article_id) == args.fold]
    logits: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    right: list[np.ndarray] = []
    for gold in questions:
        vector = loaded.retriever.embed(gold.question)
        found = loaded.retriever.search(gold.question, vector)
        shown = score_candidates(gold.question, vector, found, loaded.index)
        shown = shown[: settings.ranker_candidates]
        if not shown:
            continue
        p = np.clip(np.array([c.probability for c in shown]), 1e-6, 1 - 1e-6)
        logits.append(np.log(p / (1 - p)))
        scores.append(
            ranker.score(gold.question, [ranker_text(c.row, loaded.index) for c in shown])
        )
        sentences = [loaded.index.sentences[c.row] for c in shown]
        right.append(
            np.array([hits(s.start, s.end, s.text, gold, s.article_id) for s in sentences])
        )
    print(f"COVID-QA fold {args.fold}, {len(questions)} questions, ranker {args.ranker}")
    print("| weight | sentence hit@1 |")
    print("|---|---|")
    best = (-1.0, 0.0)
    for weight in WEIGHTS:
        top = [
            r[int(np.argmax(lg + weight * s))]
            for lg, s, r in zip(logits, scores, right, strict=True)
        ]
        share = float(np.sum(top)) / len(questions)
        print(f"| {weight:g} | {share:.1%} |")
        if share > best[0] + 1e-9:
            best = (share, weight)
    print(f"best weight: {best[1]:g} ({best[0]:.1%})")


if __name__ == "__main__":
    main()
