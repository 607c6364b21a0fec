"""Train the answer ranker and export it to src/mscqa/data/models/ranker (`make train`).

    python -m mscqa.training.ranker [--medquad-questions 1000] [--out DIR]

Stage 1: one epoch on MedQuAD (an answer against the same document's other answers), from the
all-MiniLM-L6-v2 weights. Stage 2, from stage 1: the sentences of COVID-QA's articles, once per
fold of a 2-fold split by article, each measured on the other fold's questions; the fold-0
model is shipped. Fixed seed; int8 ONNX export.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mscqa.answers.ranker import RANKER_DIR
from mscqa.index.store import sha256_file
from mscqa.training.ranker_data import (
    Pair,
    article_fold,
    covidqa_pairs,
    medquad_pairs,
    own_pairs,
    read_covidqa,
    read_pairs,
    write_pairs,
)

if TYPE_CHECKING:
    from mscqa.training.crossencoder import TrainSettings

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
DEFAULT_MEDQUAD = SHARED / "train" / "medquad.jsonl.gz"
DEFAULT_COVIDQA = SHARED / "bench" / "covidqa"
DEFAULT_WORK = ROOT / "benchmarks" / ".cache" / "ranker"
# The shipped model is the one trained on this fold's articles, so that its COVID-QA figures on
# the other fold are measured on articles it never saw (a third run on every article did not fit
# the one-hour budget on two cores).
SHIPPED_FOLD = "fold0"


def cached(path: Path, make: Callable[[], list[Pair]]) -> list[Pair]:
    """The pairs at `path` when built before (same settings in the name), else made and saved."""
    if path.is_file():
        return read_pairs(path)
    pairs = make()
    write_pairs(pairs, path)
    return pairs


def ranking_figures(model: object, pairs: Sequence[Pair]) -> dict[str, float]:
    """On held-out pairs: per question, is a positive scored above every negative drawn for
    it (hit@1 among its own pairs), and the share of pairs on the right side of 0."""
    from mscqa.training.crossencoder import torch_logits

    scores = np.asarray(torch_logits(model, [(p.question, p.candidate) for p in pairs]))[:, 0]
    by_question: dict[str, list[tuple[float, float]]] = {}
    for p, s in zip(pairs, scores, strict=True):
        by_question.setdefault(p.question, []).append((float(s), p.label))
    top = [max(rows)[1] for rows in by_question.values() if any(lab for _, lab in rows)]
    labels = np.array([p.label for p in pairs])
    return {
        "questions": len(top),
        "hit_at_1_among_own_pairs": round(float(np.mean(top)), 4),
        "pair_accuracy": round(float(np.mean((scores > 0) == (labels > 0.5))), 4),
    }


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medquad", type=Path, default=DEFAULT_MEDQUAD)
    parser.add_argument("--covidqa", type=Path, default=DEFAULT_COVIDQA)
    parser.add_argument("--medquad-questions", type=int, default=1000)
    parser.add_argument("--covidqa-negatives", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=96)
    parser.add_argument("--covidqa-epochs", type=int, default=1)
    parser.add_argument("--covidqa-learning-rate", type=float, default=2e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--stage1-only", action="store_true", help="stop after stage 1")
    parser.add_argument(
        "--hard-negatives",
        type=int,
        default=0,
        help="per COVID-QA question, this many of the first scoring's best sentences that miss "
        "the answer as more negatives (ranker_hard.py)",
    )
    parser.add_argument(
        "--stage1-from",
        type=Path,
        default=None,
        help="continue stage 1 from this saved stage-1 model, on MedQuAD questions it never saw",
    )
    parser.add_argument(
        "--own",
        type=Path,
        default=None,
        help="our own questions with evidence (benchmarks/data/calibration.jsonl) joined to "
        "stage 2: positives and same-article negatives from the articles in --own-corpus",
    )
    parser.add_argument("--own-corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument(
        "--shipped-fold-only",
        action="store_true",
        help="skip the other fold's stage 2 (its figures only): the shipped model alone",
    )
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--out", type=Path, default=RANKER_DIR)
    return parser.parse_args(argv)


def training_pairs(args: argparse.Namespace) -> tuple[str, list[Pair], dict[str, list[Pair]]]:
    """(the suffix naming a continued stage 1, the MedQuAD pairs, the COVID-QA pairs per fold),
    each cached in the work folder."""
    work = args.work
    # Continuing an earlier stage 1 (`--stage1-from stage1-Q-L-S`): its questions, read back
    # from its pairs file, are left out of this one's draw.
    seen: frozenset[str] = frozenset()
    after = ""
    if args.stage1_from is not None:
        earlier = args.stage1_from.name.split("-")[1]
        seen = frozenset(
            p.question for p in read_pairs(work / f"medquad-{earlier}-{args.seed}.jsonl.gz")
        )
        after = f"-after-{args.stage1_from.name}"
    medquad = cached(
        work / f"medquad-{args.medquad_questions}-{args.seed}{after}.jsonl.gz",
        lambda: medquad_pairs(
            args.medquad, questions=args.medquad_questions, seed=args.seed, exclude=seen
        ),
    )
    articles, _ = read_covidqa(args.covidqa)
    fold_of = {a: article_fold(a) for a in articles}
    covid: dict[str, list[Pair]] = {}
    for name, chosen in (
        ("fold0", {a for a, f in fold_of.items() if f == 0}),
        ("fold1", {a for a, f in fold_of.items() if f == 1}),
    ):
        covid[name] = cached(
            work / f"covidqa-{name}-{args.covidqa_negatives}-{args.seed}.jsonl.gz",
            partial(
                covidqa_pairs,
                args.covidqa,
                chosen,
                negatives=args.covidqa_negatives,
                seed=args.seed,
            ),
        )
    if args.hard_negatives:
        from mscqa.training.ranker_hard import covidqa_index_dir, retrieved_negatives

        for name in ("fold0", "fold1"):
            chosen = {a for a, f in fold_of.items() if f == int(name[-1])}
            covid[name] = covid[name] + cached(
                work / f"covidqa-{name}-hard{args.hard_negatives}-{args.seed}.jsonl.gz",
                partial(
                    retrieved_negatives,
                    args.covidqa,
                    covidqa_index_dir(ROOT, args.covidqa),
                    chosen,
                    per_question=args.hard_negatives,
                ),
            )
    return after, medquad, covid


def manifest_extra(
    args: argparse.Namespace,
    settings: TrainSettings,
    second: TrainSettings,
    pairs: dict[str, int],
    figures: dict[str, object],
) -> dict[str, object]:
    """What the shipped manifest says beside the checksums: the stages, settings, data files
    and their sha256, the figures (filled in as the folds are measured) and the licences."""
    data = {
        str(path.relative_to(ROOT.parent)): sha256_file(path)
        for path in (
            args.medquad,
            args.covidqa / "questions.jsonl",
            *sorted((args.covidqa / "corpus").glob("*.md")),
        )
    }
    start = f"{args.stage1_from.name} (its questions left out)" if args.stage1_from else "base"
    hard = f" and its {args.hard_negatives} best-scored sentences missing it" * bool(
        args.hard_negatives
    )
    return {
        "what": "answer ranker: how likely a sentence answers a question; a score, never text",
        "stages": [
            f"MedQuAD: {args.medquad_questions} questions, their answer vs one answer of the same "
            f"document and one of another, 1 epoch, from {start}",
            f"COVID-QA: the questions of the articles of {SHIPPED_FOLD} (2-fold by article, "
            "ranker_data.article_fold), up to 2 sentences hitting the answer vs "
            f"{args.covidqa_negatives} random sentences of the article{hard}, "
            f"{args.covidqa_epochs} epochs at {args.covidqa_learning_rate:g}, from stage 1",
        ],
        "settings": {"medquad": asdict(settings), "covidqa": asdict(second)},
        "pairs": pairs,
        "data_sha256": data,
        "figures": figures,
        "licences": {
            "MedQuAD": "CC BY 4.0 (Ben Abacha & Demner-Fushman 2019)",
            "COVID-QA": "Apache 2.0 (Moller et al. 2020)",
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    import torch

    from mscqa.training.crossencoder import (
        PairExample,
        TrainSettings,
        add_to_manifest,
        export_scorer,
        train_cross_encoder,
    )

    args = parse_arguments(argv)
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    settings = TrainSettings(max_length=args.max_length, seed=args.seed)
    work = args.work
    started = time.monotonic()

    def examples(pairs: Sequence[Pair]) -> list[PairExample]:
        return [PairExample(p.question, p.candidate, p.label) for p in pairs]

    def log(message: str) -> None:
        print(f"[{(time.monotonic() - started) / 60:5.1f} min] {message}", flush=True)

    after, medquad, covid = training_pairs(args)
    log(f"{len(medquad)} MedQuAD pairs, {len(covid['fold0'])} + {len(covid['fold1'])} COVID-QA")

    stage1 = work / f"stage1-{args.medquad_questions}-{args.max_length}-{args.seed}{after}"
    if not (stage1 / "config.json").is_file():
        model = train_cross_encoder(examples(medquad), settings, init=args.stage1_from)
        model.save(str(stage1))
        log(f"stage 1 trained -> {stage1}")
    if args.stage1_only:
        return
    figures: dict[str, object] = {}
    # Two epochs at 3e-5 with 5 negatives were tried for this stage: no better (RESULTS.md).
    second = replace(settings, epochs=args.covidqa_epochs, learning_rate=args.covidqa_learning_rate)
    own = (
        own_pairs(args.own, args.own_corpus, negatives=args.covidqa_negatives, seed=args.seed)
        if args.own
        else []
    )
    pairs = {"medquad": len(medquad), "covidqa": len(covid[SHIPPED_FOLD]), "own": len(own)}
    extra = manifest_extra(args, settings, second, pairs, figures)
    # The shipped fold first, exported as soon as it is trained; then the other fold, only
    # for its figures (each fold's model is measured on the other fold's questions).
    runs = (("fold0", "fold1"), ("fold1", "fold0"))
    for run, other in runs[:1] if args.shipped_fold_only else runs:
        model = train_cross_encoder(examples(covid[run] + own), second, init=stage1)
        log(f"stage 2 on {run} trained")
        if run == SHIPPED_FOLD:
            export_scorer(model, args.out, labels=("answers",), quantize=True, extra=extra)
            log(f"exported -> {args.out}")
        # Both precisions of the shipped fold: benchmarks/covidqa.py measures what int8 costs.
        for quantize in (False,) if run == SHIPPED_FOLD else (True,):
            precision = "int8" if quantize else "fp32"
            export_scorer(
                model, work / f"ranker-{run}-{precision}", labels=("answers",), quantize=quantize
            )
        name = f"trained_on_{run}_measured_on_{other}"
        figures[name] = ranking_figures(model, covid[other])
        log(f"{name}: {figures[name]}")
        add_to_manifest(args.out, figures=figures)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
