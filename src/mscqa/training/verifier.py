"""Train the statement verifier and ship it as int8 ONNX in src/mscqa/data/models/verifier/:

    python -m mscqa.training.verifier [--shared ../shared] [--out DIR] [--epochs N]

A 3-label cross-encoder (supports / refutes / not enough info) fine-tuned from the packaged
all-MiniLM-L6-v2 on Check-COVID, Citation-Integrity and SciFact train claims; the manifest
records the data files' sha256, the settings, and figures measured on data never trained on
(SciFact dev, Check-COVID dev, Citation-Integrity dev) and the ONNX-vs-torch parity.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.answers.scorer import MODELS_DIR, PairScorer
from mscqa.training.crossencoder import (
    PairExample,
    TrainSettings,
    add_to_manifest,
    data_record,
    export_scorer,
    settings_record,
    torch_logits,
    train_cross_encoder,
)
from mscqa.training.verifier_data import (
    CHECK_COVID_PAIRS,
    CITATION_INTEGRITY_PAIRS,
    LABELS,
    DataFiles,
    VerifierPair,
    balanced,
    check_covid_pairs,
    label_counts,
    negated_pairs,
    restated_pairs,
    scifact_layout_pairs,
    training_pairs,
)

ROOT = Path(__file__).resolve().parents[3]
OUT = MODELS_DIR / "verifier"
SETTINGS = TrainSettings(
    num_labels=len(LABELS),
    max_length=112,
    epochs=1,
    batch_size=8,
    learning_rate=8e-5,
    seed=13,
    frozen_layers=2,
)


def default_shared() -> Path:
    """../shared next to the repository (or next to a folder above it)."""
    return next(
        (p / "shared" for p in ROOT.parents if (p / "shared" / "train").is_dir()),
        ROOT.parent / "shared",
    )


def accuracy(scorer: PairScorer, pairs: Sequence[VerifierPair]) -> dict[str, Any]:
    """3-label accuracy and the confusion counts (expected -> predicted) of `scorer`."""
    logits = scorer.logits([(p.claim, p.evidence) for p in pairs])
    predicted = logits.argmax(axis=1)
    confusion = {
        f"{LABELS[e]}->{LABELS[g]}": int(
            np.sum((predicted == g) & (np.array([p.label for p in pairs]) == e))
        )
        for e in range(len(LABELS))
        for g in range(len(LABELS))
    }
    right = int(sum(int(g) == p.label for g, p in zip(predicted, pairs, strict=True)))
    return {
        "pairs": len(pairs),
        "right": right,
        "accuracy": round(right / max(len(pairs), 1), 4),
        "confusion": confusion,
    }


def held_out(files: DataFiles) -> dict[str, list[VerifierPair]]:
    """Pairs never trained on: the dev splits (SciFact dev is where `check` is measured)."""
    ci = files.citation_integrity
    sf = files.scifact
    return {
        "scifact_dev": scifact_layout_pairs(
            sf / "claims_dev.jsonl", sf / "corpus_sentences.jsonl", "scifact"
        ),
        "check_covid_dev": check_covid_pairs(files.check_covid, "dev"),
        "citation_integrity_dev": scifact_layout_pairs(
            ci / "claims_dev.jsonl", ci / "corpus.jsonl", "citation-integrity"
        ),
    }


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--epochs", type=int, default=SETTINGS.epochs)
    parser.add_argument("--save-torch", type=Path, default=None, help="also keep the torch model")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N pairs only")
    parser.add_argument("--batch-size", type=int, default=SETTINGS.batch_size)
    parser.add_argument("--learning-rate", type=float, default=SETTINGS.learning_rate)
    parser.add_argument("--max-length", type=int, default=SETTINGS.max_length)
    parser.add_argument("--frozen-layers", type=int, default=SETTINGS.frozen_layers)
    parser.add_argument("--check-covid-pairs", type=int, default=CHECK_COVID_PAIRS)
    parser.add_argument("--citation-integrity-pairs", type=int, default=CITATION_INTEGRITY_PAIRS)
    parser.add_argument(
        "--negated-pairs",
        type=int,
        default=0,
        help="add up to N refutations made by negating supported training claims",
    )
    parser.add_argument(
        "--restated-pairs",
        type=int,
        default=0,
        help="add up to N supports made by negating refuted training claims",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_arguments(argv)
    import torch

    torch.set_num_threads(2)
    settings = TrainSettings(
        **{
            **settings_record(SETTINGS),
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "learning_rate": args.learning_rate,
            "max_length": args.max_length,
            "frozen_layers": args.frozen_layers,
        }
    )
    files = DataFiles.beside(args.shared)
    chosen = training_pairs(
        files, settings.seed, args.check_covid_pairs, args.citation_integrity_pairs
    )
    chosen += [
        *negated_pairs(chosen, args.negated_pairs, settings.seed),
        *restated_pairs(chosen, args.restated_pairs, settings.seed),
    ]
    pairs = balanced(chosen, settings.seed)[: args.limit]
    print(f"{len(pairs)} training pairs: {label_counts(pairs)}", file=sys.stderr)
    started = time.perf_counter()
    model = train_cross_encoder(
        [PairExample(p.claim, p.evidence, p.label) for p in pairs],
        settings,
        progress=sys.stderr.isatty(),
    )
    minutes = (time.perf_counter() - started) / 60
    if args.save_torch:
        model.save(str(args.save_torch))
    print(f"trained in {minutes:.1f} min", file=sys.stderr)
    tests = held_out(files)
    sample = tests["scifact_dev"][:200]
    torch_out = torch_logits(model, [(p.claim, p.evidence) for p in sample])
    folder = export_scorer(
        model,
        args.out,
        labels=LABELS,
        quantize=True,
        extra={
            "task": "statement verification: does the evidence (text_b) support the statement "
            "(text_a), refute it, or not say?",
            "data": data_record(files.used()),
            "training_pairs": label_counts(pairs),
            "settings": settings_record(settings),
            "negated_pairs": args.negated_pairs,
            "restated_pairs": args.restated_pairs,
            "training_minutes": round(minutes, 1),
        },
    )
    scorer = PairScorer.load(folder)
    onnx_out = scorer.logits([(p.claim, p.evidence) for p in sample])
    parity = {
        "pairs": len(sample),
        "max_abs_logit_difference": round(float(np.abs(onnx_out - torch_out).max()), 4),
        "same_label": round(float(np.mean(onnx_out.argmax(1) == torch_out.argmax(1))), 4),
    }
    figures = {name: accuracy(scorer, test) for name, test in tests.items()}
    print(f"parity int8 ONNX vs torch: {parity}", file=sys.stderr)
    for name, figure in figures.items():
        print(
            f"{name}: {figure['right']}/{figure['pairs']} ({figure['accuracy']:.1%})",
            file=sys.stderr,
        )
    # The figures go into the manifest after the fact; its file checksums stay as exported.
    add_to_manifest(folder, parity_int8_vs_torch=parity, figures_held_out=figures)
    print(folder)


if __name__ == "__main__":
    main()
