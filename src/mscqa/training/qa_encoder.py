"""The answer ranker: a question-answering bi-encoder fine-tuned from all-MiniLM-L6-v2.

    python -m mscqa.training.qa_encoder [--medquad-questions 5000] [--covidqa-fold 0|1]
        [--start DIR] [--out DIR] [--ship DIR]

Two stages, each with the multiple negatives ranking loss (Henderson et al. 2017: the other
pairs of a batch are further negatives), fixed seed:

1. MedQuAD consumer questions, each against the opening of its own answer and, as a hard
   negative, the opening of another answer of the same document (same topic, another kind of
   answer: symptoms where causes are asked). One MedQuAD document in twenty is kept out of
   training: its questions measure the model (is a question closer to its own answer than to
   another answer of its document?) beside the base model.
2. From there, COVID-QA's questions (`../shared/bench/covidqa`), each against a sentence holding
   its answer span, twice: once against each of two sentences drawn at random from the same
   article that neither overlap the answer nor hold its text (`--covidqa-negatives`;
   sentences that look like the question are not taken as negatives: mined that way they
   taught a cross-encoder that resembling the question means "not the answer").
   `--covidqa-fold` trains on one fold's articles only (`ranker_data.article_fold`), so that
   the other fold measures it. `--scifact-claims N` adds N SciFact train claims with a
   rationale sentence each (measured and not kept: RESULTS).

The cosine of a question and a sentence under this model is one feature of the answer model
(`answers/ranker.py`, `BiEncoderRanker`); `benchmarks/calibrate.py --ranker` fits it, and
`benchmarks/covidqa.py --fold` measures it on the articles it never saw.

`--ship DIR` writes the weights as int8 ONNX with a manifest (base model, data sha256,
settings, figures, the sha256 of each file) and measures them against the float32 model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.training.crossencoder import BASE_MODEL, TrainSettings, add_to_manifest, data_record
from mscqa.training.ranker_data import ECHOED_QUESTION, medquad_documents

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_MEDQUAD = ROOT.parent / "shared" / "train" / "medquad.jsonl.gz"
DEFAULT_COVIDQA = ROOT.parent / "shared" / "bench" / "covidqa"
DEFAULT_SCIFACT = ROOT.parent / "shared" / "bench" / "scifact"
DEFAULT_OUT = ROOT / "benchmarks" / ".cache" / "qa-encoder"
# Words of an answer's opening: about the length of two of our articles' sentences.
OPENING_WORDS = 48
# Sentences of its article each COVID-QA question meets in stage 2: two measured better than one
# on COVID-QA by article and on our held-out questions (benchmarks/RESULTS.md).
COVIDQA_NEGATIVES = 2


@dataclass(frozen=True)
class Triplet:
    question: str
    answer: str
    other: str  # another answer of the same document (MedQuAD), or sentence of the article


def opening(answer: str, words: int = OPENING_WORDS) -> str:
    """The first `words` words of an answer, without a first line repeating its question."""
    return " ".join(ECHOED_QUESTION.sub("", answer).split()[:words])


def held_out(doc_id: str) -> bool:
    """One MedQuAD document in twenty, the same on every machine, is never trained on."""
    return hashlib.sha256(doc_id.encode("utf-8")).digest()[0] % 20 == 0


def medquad_triplets(
    path: Path, questions: int, seed: int = 13, *, measured: bool = False
) -> list[Triplet]:
    """`questions` MedQuAD questions drawn at random from documents with two answers or more,
    each with its answer's opening and another answer's of the same document: from the
    training documents, or from the held-out ones when `measured`."""
    _, by_doc = medquad_documents(path)
    rng = random.Random(seed)
    usable = [
        row
        for doc_id, doc in by_doc.items()
        if held_out(doc_id) == measured and len({opening(r["answer"]) for r in doc}) >= 2
        for row in doc
    ]
    triplets = []
    for row in rng.sample(usable, min(questions, len(usable))):
        mine = opening(row["answer"])
        others = [o for o in (opening(r["answer"]) for r in by_doc[row["doc_id"]]) if o != mine]
        triplets.append(Triplet(row["question"], mine, rng.choice(others)))
    return triplets


def covidqa_triplets(
    folder: Path, fold: int | None = None, seed: int = 13, negatives: int = COVIDQA_NEGATIVES
) -> list[Triplet]:
    """Each COVID-QA question (of the articles of `fold` only, when given) with the first
    sentence holding its answer, once against each of `negatives` sentences of the same article
    drawn at random among those that neither overlap the answer nor hold its text."""
    from mscqa.training.ranker_data import article_fold, covidqa_pairs, read_covidqa

    chosen = None
    if fold is not None:
        articles, _ = read_covidqa(folder)
        chosen = {a for a in articles if article_fold(a) == fold}
    triplets = []
    answer = None
    # `covidqa_pairs` gives each question's answer sentence, then its other sentences; a
    # candidate is `ranker.candidate_text`, whose first line is the sentence alone.
    for pair in covidqa_pairs(folder, chosen, positives=1, negatives=negatives, seed=seed):
        if pair.label == 1.0:
            answer = pair
        elif answer is not None and answer.question == pair.question:
            first = answer.candidate.split("\n")[0]
            triplets.append(Triplet(pair.question, first, pair.candidate.split("\n")[0]))
    return triplets


def scifact_triplets(folder: Path, claims: int, seed: int = 13) -> list[Triplet]:
    """Up to `claims` SciFact train claims (never its dev claims, which measure statement
    checks), each with its first rationale sentence and a sentence of the same abstract drawn
    at random among those no evidence set of the claim names."""
    from mscqa.training.verifier_data import clean_claim, read_jsonl

    abstracts = {
        str(row["doc_id"]): [s.strip() for s in row["abstract"]]
        for row in read_jsonl(folder / "corpus_sentences.jsonl")
    }
    rng = random.Random(seed)
    triplets = []
    for row in read_jsonl(folder / "claims_train.jsonl"):
        claim = clean_claim(row["claim"])
        for doc_id, sets in sorted(row["evidence"].items())[:1]:
            sentences = abstracts.get(str(doc_id), [])
            named = {i for s in sets for i in s["sentences"]}
            first = min(named, default=len(sentences))
            others = [s for i, s in enumerate(sentences) if i not in named and s]
            if claim and first < len(sentences) and others:
                triplets.append(Triplet(claim, sentences[first], rng.choice(others)))
    return rng.sample(triplets, min(claims, len(triplets)))


def train_qa_encoder(
    triplets: Sequence[Triplet], settings: TrainSettings, out: Path, start: Path | None = None
) -> Any:
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
    model = SentenceTransformer(str(start or base_model_path()), device="cpu")
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


Encode = Any  # (texts) -> L2-normalised float32 vectors


def own_answer_first(encode: Encode, triplets: Sequence[Triplet]) -> float:
    """Share of triplets whose question is closer to its own answer than to the other one."""
    if not triplets:
        return 0.0
    asked = encode([t.question for t in triplets])
    mine = encode([t.answer for t in triplets])
    other = encode([t.other for t in triplets])
    return float(np.mean(np.einsum("ij,ij->i", asked, mine) > np.einsum("ij,ij->i", asked, other)))


def torch_encoder(folder: Path) -> Encode:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu")
    return lambda texts: np.asarray(
        model.encode(list(texts), batch_size=64, normalize_embeddings=True), dtype=np.float32
    )


def ship(model_dir: Path, out_dir: Path, extra: dict[str, Any]) -> Path:
    """Write the bi-encoder at `model_dir` (a sentence-transformers folder) as a ranker folder:
    int8 model.onnx (onnxruntime dynamic quantisation), tokenizer.json and manifest.json, made
    beside `out_dir` and switched in whole."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from mscqa.answers.ranker import BI_ENCODER
    from mscqa.answers.scorer import MANIFEST_FILE, MODEL_FILE, SCORER_FORMAT, TOKENIZER_FILE
    from mscqa.index.onnx_backend import write_onnx_graph
    from mscqa.index.store import assemble_folder, sha256_file

    def fill(tmp: Path) -> None:
        made = write_onnx_graph(model_dir, tmp / "full.onnx")
        # Per channel: each output column its own scale. Measured on 500 held-out questions, one
        # scale per tensor moved cosines by up to 0.17 and flipped 2.2% of preferences; per
        # channel 0.06 and 1.6%, at the same 22 MB.
        quantize_dynamic(
            str(tmp / "full.onnx"),
            str(tmp / MODEL_FILE),
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        (tmp / "full.onnx").unlink()
        shutil.copy2(model_dir / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        files = {name: sha256_file(tmp / name) for name in (MODEL_FILE, TOKENIZER_FILE)}
        manifest = {
            "format": SCORER_FORMAT,
            "kind": BI_ENCODER,
            "base_model": BASE_MODEL,
            "model_id": f"qa-encoder@{files[MODEL_FILE][:12]}",
            **{k: v for k, v in made.items() if k != "torch"},
            "weights": "int8 per channel (onnxruntime dynamic quantisation)",
            **extra,
            "files": files,
        }
        (tmp / MANIFEST_FILE).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    return assemble_folder(out_dir, fill)


def parity(torch_encode: Encode, folder: Path, triplets: Sequence[Triplet]) -> dict[str, float]:
    """The shipped int8 model against the float32 one on held-out questions: the largest
    difference of a question-answer cosine, and how often both prefer the same answer."""
    from mscqa.answers.ranker import BiEncoderRanker
    from mscqa.answers.scorer import read_manifest

    shipped = BiEncoderRanker.from_folder(folder, read_manifest(folder)).encoder.encode
    cosines = []
    for encode in (torch_encode, shipped):
        asked = encode([t.question for t in triplets])
        mine = encode([t.answer for t in triplets])
        other = encode([t.other for t in triplets])
        cosines.append((np.einsum("ij,ij->i", asked, mine), np.einsum("ij,ij->i", asked, other)))
    (full_mine, full_other), (int8_mine, int8_other) = cosines
    return {
        "questions": len(triplets),
        "max_abs_cosine_difference": round(
            float(np.max(np.abs(np.concatenate([full_mine - int8_mine, full_other - int8_other])))),
            4,
        ),
        "same_preference": round(
            float(np.mean((full_mine > full_other) == (int8_mine > int8_other))), 4
        ),
        "own_answer_first_float32": round(float(np.mean(full_mine > full_other)), 4),
        "own_answer_first_int8": round(float(np.mean(int8_mine > int8_other)), 4),
    }


def ship_measured(
    model_dir: Path,
    out_dir: Path,
    extra: dict[str, Any],
    torch_encode: Encode,
    measured: Sequence[Triplet],
) -> dict[str, float]:
    """`ship`, then the int8 model's `parity` with the float32 one added to its manifest."""
    ship(model_dir, out_dir, extra)
    checked = parity(torch_encode, out_dir, measured)
    add_to_manifest(out_dir, parity_int8_vs_torch=checked)
    return checked


def manifest_record(
    args: argparse.Namespace,
    settings: TrainSettings,
    stage2: TrainSettings,
    medquad: int,
    covid: Sequence[Triplet],
    claims: Sequence[Triplet] = (),
) -> dict[str, Any]:
    """What the manifest says of the training: its task, data files, sizes and settings."""
    unused = ("num_labels", "frozen_layers", "epochs")
    data = [args.medquad]
    if covid:
        data += [args.covidqa / "questions.jsonl", *sorted((args.covidqa / "corpus").glob("*.md"))]
    if claims:
        data += [args.scifact / "claims_train.jsonl", args.scifact / "corpus_sentences.jsonl"]
    return {
        "task": "answer ranking: the cosine of a question and a candidate sentence, each "
        "embedded apart (mean pooling, L2-normalised)",
        "data": data_record(data),
        "training_questions": {
            "medquad": medquad,
            "covidqa": len({t.question for t in covid}),
            "scifact_claims": len(claims),
        },
        "covidqa_articles": "all" if args.covidqa_fold is None else f"fold {args.covidqa_fold}",
        "settings": {
            **{k: v for k, v in asdict(settings).items() if k not in unused},
            "epochs_medquad": settings.epochs,
            "epochs_covidqa": stage2.epochs,
            "covidqa_negatives": args.covidqa_negatives,
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medquad", type=Path, default=DEFAULT_MEDQUAD)
    parser.add_argument("--medquad-questions", type=int, default=5000)
    parser.add_argument("--measured-questions", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=1, help="of stage 1")
    parser.add_argument("--covidqa", type=Path, default=DEFAULT_COVIDQA)
    parser.add_argument("--covidqa-epochs", type=int, default=2, help="of stage 2 (0: none)")
    parser.add_argument(
        "--covidqa-negatives", type=int, default=COVIDQA_NEGATIVES, help="per question"
    )
    parser.add_argument("--covidqa-fold", type=int, choices=(0, 1), help="its articles only")
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT)
    parser.add_argument(
        "--scifact-claims", type=int, default=0, help="train claims added to stage 2"
    )
    parser.add_argument("--start", type=Path, help="a stage-1 model to go on from")
    parser.add_argument("--out", type=Path, default=None, help="the trained torch model")
    parser.add_argument("--ship", type=Path, default=None, help="write int8 ONNX here")
    args = parser.parse_args(argv)
    out = args.out or DEFAULT_OUT.with_name(f"qa-encoder-{args.medquad_questions}")
    settings = TrainSettings(epochs=args.epochs)
    triplets = medquad_triplets(args.medquad, args.medquad_questions, settings.seed)
    measured = medquad_triplets(args.medquad, args.measured_questions, settings.seed, measured=True)
    started = time.perf_counter()
    stage1 = args.start
    if stage1 is None:
        stage1 = out.with_name(f"{out.name}-stage1")
        train_qa_encoder(triplets, settings, stage1)
        print(f"stage 1: {len(triplets)} MedQuAD questions: {stage1}")
    stage2 = replace(settings, epochs=args.covidqa_epochs)
    covid: list[Triplet] = []
    claims: list[Triplet] = []
    if args.covidqa_epochs:
        covid = covidqa_triplets(
            args.covidqa, args.covidqa_fold, settings.seed, args.covidqa_negatives
        )
        claims = scifact_triplets(args.scifact, args.scifact_claims, settings.seed)
        train_qa_encoder(covid + claims, stage2, out, start=stage1)
        print(f"stage 2: {len(covid)} COVID-QA pairs, {len(claims)} SciFact claims: {out}")
    else:
        out = stage1
    minutes = (time.perf_counter() - started) / 60
    print(f"trained in {minutes:.1f} min")
    from mscqa.training.crossencoder import base_model_path

    tuned = torch_encoder(out)
    figures = {
        "held_out_questions": len(measured),
        "own_answer_first_base_model": round(
            own_answer_first(torch_encoder(base_model_path()), measured), 4
        ),
        "own_answer_first_stage1": round(own_answer_first(torch_encoder(stage1), measured), 4),
        "own_answer_first": round(own_answer_first(tuned, measured), 4),
    }
    print(
        f"held-out MedQuAD questions ({len(measured)}, documents never trained on): own answer "
        f"closer than another answer of its document {figures['own_answer_first']:.1%} "
        f"(after stage 1 {figures['own_answer_first_stage1']:.1%}, base model "
        f"{figures['own_answer_first_base_model']:.1%})"
    )
    if args.ship is None:
        return
    record = {
        "training_minutes": round(minutes, 1),
        "figures": figures,
        "training_triplets": {"medquad": len(triplets), "covidqa": len(covid)},
    }
    extra = manifest_record(args, settings, stage2, len(triplets), covid, claims)
    extra.update(record)
    checked = ship_measured(out, args.ship, extra, tuned, measured)
    print(f"int8 ONNX in {args.ship}: {checked}")


if __name__ == "__main__":
    main()
