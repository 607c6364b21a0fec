"""A question-answering bi-encoder fine-tuned from all-MiniLM-L6-v2 (measured, not shipped).

    python -m mscqa.training.qa_encoder [--medquad-questions 5000] [--out DIR]

MedQuAD consumer questions, each against the opening of its own answer and, as a hard
negative, the opening of another answer of the same document (same topic, another kind of
answer: symptoms where causes are asked), with the other pairs of the batch as further
negatives (multiple negatives ranking loss, Henderson et al. 2017). The cosine of a question
and a sentence under this model is a candidate feature of the answer model;
`benchmarks/qa_encoder.py` measures it on our questions and on COVID-QA, whose articles and
questions it never saw. Fixed seed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mscqa.training.crossencoder import TrainSettings
from mscqa.training.ranker_data import ECHOED_QUESTION, medquad_documents

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_MEDQUAD = ROOT.parent / "shared" / "train" / "medquad.jsonl.gz"
DEFAULT_OUT = ROOT / "benchmarks" / ".cache" / "qa-encoder"
# Words of an answer's opening: about the length of two of our articles' sentences.
OPENING_WORDS = 48


@dataclass(frozen=True)
class Triplet:
    question: str
    answer: str
    other: str  # another answer of the same document


def opening(answer: str, words: int = OPENING_WORDS) -> str:
    """The first `words` words of an answer, without a first line repeating its question."""
    return " ".join(ECHOED_QUESTION.sub("", answer).split()[:words])


def medquad_triplets(path: Path, questions: int, seed: int = 13) -> list[Triplet]:
    """`questions` MedQuAD questions drawn at random from documents with two answers or more,
    each with its answer's opening and another answer's of the same document."""
    _, by_doc = medquad_documents(path)
    rng = random.Random(seed)
    usable = [
        row
        for doc in by_doc.values()
        if len({opening(r["answer"]) for r in doc}) >= 2
        for row in doc
    ]
    triplets = []
    for row in rng.sample(usable, min(questions, len(usable))):
        mine = opening(row["answer"])
        others = [o for o in (opening(r["answer"]) for r in by_doc[row["doc_id"]]) if o != mine]
        triplets.append(Triplet(row["question"], mine, rng.choice(others)))
    return triplets


def train_qa_encoder(triplets: Sequence[Triplet], settings: TrainSettings, out: Path) -> Any:
    """Fine-tune the MiniLM bi-encoder on `triplets` and save it (a sentence-transformers
    folder) at `out`. Of `settings`, the cross-encoders' head (`num_labels`) and frozen layers
    do not apply."""
    import torch
    from sentence_transformers import InputExample, SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import (
        MultipleNegativesRankingLoss,
    )
    from torch.utils.data import DataLoader

    from mscqa.training.crossencoder import base_model_path, quiet_transformers, seed_everything

    if not triplets:
        raise ValueError("no training triplets")
    quiet_transformers()
    seed_everything(settings.seed)
    model = SentenceTransformer(str(base_model_path()), device="cpu")
    model.max_seq_length = settings.max_length
    rows = [InputExample(texts=[t.question, t.answer, t.other]) for t in triplets]
    loader: DataLoader[Any] = DataLoader(
        rows,  # type: ignore[arg-type]
        batch_size=settings.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(settings.seed),
    )
    steps = len(loader) * settings.epochs
    model.old_fit(
        train_objectives=[(loader, MultipleNegativesRankingLoss(model))],
        epochs=settings.epochs,
        warmup_steps=int(steps * settings.warmup_ratio),
        optimizer_params={"lr": settings.learning_rate},
        show_progress_bar=False,
    )
    model.save(str(out))
    return model


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medquad", type=Path, default=DEFAULT_MEDQUAD)
    parser.add_argument("--medquad-questions", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or DEFAULT_OUT.with_name(f"qa-encoder-{args.medquad_questions}")
    settings = TrainSettings(epochs=args.epochs)
    triplets = medquad_triplets(args.medquad, args.medquad_questions, settings.seed)
    started = time.perf_counter()
    train_qa_encoder(triplets, settings, out)
    minutes = (time.perf_counter() - started) / 60
    print(f"{len(triplets)} MedQuAD questions, {minutes:.1f} min: {out}")
    print(f"measure it: .venv/bin/python benchmarks/qa_encoder.py {out}")


if __name__ == "__main__":
    main()
