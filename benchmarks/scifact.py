"""Retrieval and claim checking on SciFact (BEIR layout): BM25, dense, fused.

    .venv/bin/python benchmarks/scifact.py [--data ../shared/bench/scifact] [--limit N] [--claims]
        [--no-sentences] [--tune-split train]
    .venv/bin/python benchmarks/scifact.py --claims-only [--train]    # verdicts only, ~10 s

Only each query's `text` is read; its `metadata` holds the gold answers and is never looked at.
Fusion weights marked "chosen on train" are the best nDCG@10 on the train split's claims (same
abstracts), then run once on the test split. Abstract and sentence embeddings (ONNX export of
the packaged model) are cached in benchmarks/.cache/, keyed by model fingerprint and a hash of
the texts, so only the first run pays the encoding (about 45 minutes on a busy 2-core machine).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mscqa.config import Settings
from mscqa.corpus.passages import embedding_text
from mscqa.evaluate import ndcg_at_k, recall_at_k
from mscqa.index.embedder import Embedder, model_fingerprint
from mscqa.index.onnx_backend import OnnxEmbedder, ensure_export, export_dir
from mscqa.search.retriever import query_for_embedding, rrf, zscore, zscore_blend
from mscqa.text.terms import lexical_tokens

ROOT = Path(__file__).resolve().parents[1]
# ../shared/bench/scifact next to the repository (or next to a folder above it).
DEFAULT_DATA = next(
    (p / "shared" / "bench" / "scifact" for p in ROOT.parents if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "bench" / "scifact",
)
CACHE = ROOT / "benchmarks" / ".cache"
PUBLISHED = {"BM25 (BEIR paper)": 0.679, "all-MiniLM-L6-v2 (MTEB)": 0.645}


@dataclass
class SciFact:
    doc_ids: list[str]
    titles: list[str]
    texts: list[str]
    sentences: list[list[str]]  # abstract sentences per document, in corpus order
    split: str
    query_ids: list[str]
    queries: list[str]
    qrels: dict[str, set[str]]


def load(data: Path, split: str, limit: int | None = None) -> SciFact:
    doc_ids, titles, texts = [], [], []
    with (data / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            doc_ids.append(str(row["_id"]))
            titles.append(row["title"])
            texts.append(row["text"])
    by_id: dict[str, list[str]] = {}
    with (data / "corpus_sentences.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            by_id[str(row["doc_id"])] = [s.strip() for s in row["abstract"]]
    qrels: dict[str, set[str]] = {}
    with (data / "qrels" / f"{split}.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if int(row["score"]) > 0:
                qrels.setdefault(row["query-id"], set()).add(row["corpus-id"])
    text_of: dict[str, str] = {}
    with (data / "queries.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text_of[str(row["_id"])] = row["text"]  # never row["metadata"]: gold answers
    query_ids = sorted(qrels, key=int)[:limit] if limit else sorted(qrels, key=int)
    return SciFact(
        doc_ids,
        titles,
        texts,
        [by_id.get(d) or [t] for d, t in zip(doc_ids, texts, strict=True)],
        split,
        query_ids,
        [text_of[q] for q in query_ids],
        {q: qrels[q] for q in query_ids},
    )


def onnx_embedder() -> Embedder:
    """The packaged model through its ONNX export (same vectors as sentence-transformers,
    several times faster to encode here); exported once into benchmarks/.cache/model/."""
    model_dir = Settings().model_path
    model_id = model_fingerprint(model_dir)
    if ensure_export(CACHE / "model", model_dir, model_id) is None:
        raise SystemExit("the ONNX export failed: see the warning above")
    return OnnxEmbedder(export_dir(CACHE / "model", model_id), model_id)


def cached_encode(embedder: Embedder, texts: Sequence[str], name: str) -> np.ndarray:
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    safe_model = embedder.model_id.replace("/", "_").replace("@", "-")
    path = CACHE / f"{name}-{safe_model}-{digest}.npy"
    if path.is_file():
        return np.load(path, allow_pickle=False)
    started = time.perf_counter()
    vectors = embedder.encode(list(texts), batch_size=64, progress=sys.stderr.isatty())
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors, allow_pickle=False)
    print(
        f"encoded {len(texts):,} {name} in {time.perf_counter() - started:.0f} s", file=sys.stderr
    )
    return vectors


def bm25_scores(
    doc_tokens: list[list[str]], query_tokens: list[list[str]], k1: float, b: float
) -> np.ndarray:
    import bm25s

    model = bm25s.BM25(k1=k1, b=b)
    model.index([t or ["_"] for t in doc_tokens], show_progress=False)
    return np.vstack(
        [model.get_scores(t) if t else np.zeros(len(doc_tokens), np.float32) for t in query_tokens]
    )


def bm25s_default_scores(data: SciFact) -> np.ndarray:
    """bm25s as its README shows it: its own tokenizer, English stopwords and stemmer."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{t} {x}" for t, x in zip(data.titles, data.texts, strict=True)]
    model = bm25s.BM25()
    model.index(
        bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    queries = bm25s.tokenize(
        data.queries, stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False
    )
    return np.vstack([model.get_scores(q) for q in queries])


def evaluate_run(data: SciFact, scores: np.ndarray) -> tuple[float, float]:
    ndcg, recall = [], []
    orders = np.argsort(-scores, axis=1, kind="stable")[:, :100]
    for order, qid in zip(orders, data.query_ids, strict=True):
        ranked = [data.doc_ids[i] for i in order]
        ndcg.append(ndcg_at_k(ranked, data.qrels[qid], 10))
        recall.append(recall_at_k(ranked, data.qrels[qid], 100))
    return float(np.mean(ndcg)), float(np.mean(recall))


def best_sentence_scores(
    data: SciFact, sentence_vectors: np.ndarray, queries: np.ndarray
) -> np.ndarray:
    """Each abstract's best sentence cosine (sentences are stored abstract by abstract)."""
    starts = np.cumsum([0] + [len(s) for s in data.sentences[:-1]])
    return np.maximum.reduceat(queries @ sentence_vectors.T, starts, axis=1)


def zscores(scores: np.ndarray) -> np.ndarray:
    """`retriever.zscore` of each query's row."""
    return np.vstack([zscore(row) for row in scores])


def choose_weights(
    data: SciFact, signals: Sequence[np.ndarray], step: float = 0.05
) -> tuple[tuple[float, ...], float, float]:
    """The z-score blend weights (multiples of `step`, summing to 1) with the best nDCG@10 on
    `data`, and that nDCG@10 and recall@100: run on the train split, never on test."""
    normal = [zscores(signal) for signal in signals]
    steps = round(1 / step)
    best: tuple[tuple[float, ...], float, float] = ((), -1.0, 0.0)
    for head in itertools.product(range(steps + 1), repeat=len(signals) - 1):
        if sum(head) > steps:
            continue
        weights = tuple(round(n * step, 4) for n in (*head, steps - sum(head)))
        blend = np.zeros_like(normal[0])
        for weight, z in zip(weights, normal, strict=True):
            blend += weight * z
        ndcg, recall = evaluate_run(data, blend)
        if ndcg > best[1]:
            best = (weights, ndcg, recall)
    return best


def run_retrieval(
    data: SciFact, embedder: Embedder, train: SciFact | None = None
) -> list[tuple[str, float, float]]:
    """Every run on `data`'s queries; with `train` (another split), also the per-sentence
    dense signal and fusion weights chosen on `train`."""
    settings = Settings()
    results: list[tuple[str, float, float]] = []

    def add(name: str, scores: np.ndarray) -> None:
        ndcg, recall = evaluate_run(data, scores)
        results.append((name, ndcg, recall))
        print(f"{name:<62} nDCG@10 {ndcg:.3f}  R@100 {recall:.3f}", file=sys.stderr)

    add("BM25, bm25s defaults (k1=1.5, b=0.75)", bm25s_default_scores(data))
    plain_docs = [
        lexical_tokens(f"{t} {x}", expand=False)
        for t, x in zip(data.titles, data.texts, strict=True)
    ]
    plain_queries = [lexical_tokens(q, expand=False) for q in data.queries]
    add("BM25, our tokens, k1=0.9 b=0.4", bm25_scores(plain_docs, plain_queries, 0.9, 0.4))
    docs = [
        lexical_tokens(embedding_text(t, x), document=True)
        for t, x in zip(data.titles, data.texts, strict=True)
    ]
    queries_tokens = [lexical_tokens(q) for q in data.queries]
    lexical = bm25_scores(docs, queries_tokens, 0.9, 0.4)
    add("BM25, + term table, k1=0.9 b=0.4", lexical)
    # Field weighting: the title counted twice (titles of abstracts state their finding).
    titled = [lexical_tokens(t, document=True) + d for t, d in zip(data.titles, docs, strict=True)]
    lexical_title = bm25_scores(titled, queries_tokens, 0.9, 0.4)
    add("BM25, + term table + title x2", lexical_title)

    doc_vectors = cached_encode(
        embedder,
        [embedding_text(t, x) for t, x in zip(data.titles, data.texts, strict=True)],
        "scifact-docs",
    )
    query_vectors = embedder.encode([query_for_embedding(q) for q in data.queries], batch_size=64)
    dense = query_vectors @ doc_vectors.T
    add("dense: MiniLM on title + abstract", dense)

    def per_query(fusion: Callable[..., np.ndarray], *signals: np.ndarray) -> np.ndarray:
        return np.vstack([fusion(row) for row in zip(*signals, strict=True)])

    add(
        "hybrid RRF(k=60): dense + BM25",
        per_query(lambda r: rrf(r, settings.rrf_k), dense, lexical),
    )
    for w in (0.5, 0.6, 0.7, 0.8):
        add(
            f"hybrid z-score, dense {w}: dense + BM25",
            per_query(lambda r, w=w: zscore_blend(r, (w, 1 - w)), dense, lexical),
        )
        add(
            f"hybrid z-score, dense {w}: dense + BM25 title x2",
            per_query(lambda r, w=w: zscore_blend(r, (w, 1 - w)), dense, lexical_title),
        )
    if train is None:
        return results
    # The best sentence, embedded alone (as the index embeds an article's sentences) and with
    # its title in front (as the index embeds a passage): the title says what it is about.
    sentence_vectors = cached_encode(
        embedder, [s for doc in data.sentences for s in doc], "scifact-sentences"
    )
    titled_vectors = cached_encode(
        embedder,
        [
            embedding_text(t, s)
            for t, doc in zip(data.titles, data.sentences, strict=True)
            for s in doc
        ],
        "scifact-titled-sentences",
    )
    best_sentence = best_sentence_scores(data, sentence_vectors, query_vectors)
    best_titled = best_sentence_scores(data, titled_vectors, query_vectors)
    add("dense: best sentence", best_sentence)
    add("dense: best sentence, title in front", best_titled)
    for sentence_name, sentence_scores in (
        ("best sentence", best_sentence),
        ("best titled sentence", best_titled),
    ):
        for w in (0.5, 0.6, 0.7):
            add(
                f"hybrid z-score, dense {w}: abstract + {sentence_name} + BM25 title x2",
                per_query(
                    lambda r, w=w: zscore_blend(r, (w / 2, w / 2, 1 - w)),
                    dense,
                    sentence_scores,
                    lexical_title,
                ),
            )
    add(
        "hybrid RRF(k=60): abstract, best sentence, BM25 title x2",
        per_query(lambda r: rrf(r, settings.rrf_k), dense, best_sentence, lexical_title),
    )
    # Weights chosen on the train split (809 other claims, same abstracts), then run on test.
    train_queries = embedder.encode([query_for_embedding(q) for q in train.queries], batch_size=64)
    train_dense = train_queries @ doc_vectors.T
    train_titled = bm25_scores(titled, [lexical_tokens(q) for q in train.queries], 0.9, 0.4)
    for name, train_signals, signals in (
        ("abstract + BM25 title x2", (train_dense, train_titled), (dense, lexical_title)),
        (
            "abstract + best sentence + BM25 title x2",
            (
                train_dense,
                best_sentence_scores(train, sentence_vectors, train_queries),
                train_titled,
            ),
            (dense, best_sentence, lexical_title),
        ),
        (
            "abstract + best titled sentence + BM25 title x2",
            (train_dense, best_sentence_scores(train, titled_vectors, train_queries), train_titled),
            (dense, best_titled, lexical_title),
        ),
    ):
        weights, train_ndcg, train_recall = choose_weights(train, train_signals)
        print(
            f"{name}: weights {weights} chosen on {train.split} "
            f"(nDCG@10 {train_ndcg:.3f}, R@100 {train_recall:.3f} there)",
            file=sys.stderr,
        )
        label = " / ".join(f"{w:g}" for w in weights)
        add(
            f"hybrid z-score, weights {label} chosen on train: {name}",
            per_query(lambda r, w=weights: zscore_blend(r, w), *signals),
        )
    return results


def claim_pairs(data_dir: Path, name: str) -> list[tuple[int, str, str, list[str]]]:
    """(claim id, claim, expected verdict, abstract sentences) for each (claim, cited abstract)
    pair of `name`: SUPPORT and CONTRADICT evidence pairs, and the cited abstracts of the
    claims without evidence (NEI), whose right verdict is not_found."""
    from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED

    abstracts: dict[str, list[str]] = {}
    with (data_dir / "corpus_sentences.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            abstracts[str(row["doc_id"])] = [s.strip() for s in row["abstract"]]
    expected = {"SUPPORT": SUPPORTED, "CONTRADICT": CONTRADICTED}
    pairs = []
    with (data_dir / name).open(encoding="utf-8") as handle:
        for line in handle:
            claim = json.loads(line)
            if claim["evidence"]:
                labelled = {d: expected[sets[0]["label"]] for d, sets in claim["evidence"].items()}
            else:
                labelled = dict.fromkeys(dict.fromkeys(map(str, claim["cited_doc_ids"])), NOT_FOUND)
            for doc_id, label in labelled.items():
                pairs.append((claim["id"], claim["claim"], label, abstracts[str(doc_id)]))
    return pairs


def claim_verdicts(pairs: Sequence[tuple[int, str, str, list[str]]]) -> dict[tuple[str, str], int]:
    """(expected, got) counts of `check`'s verdict on each pair (MSCQA_VERIFIER_MODE: the
    rules and the learned verifier combined by default): the verdict for the three abstract
    sentences that share the most of the claim's words, the whole abstract as context."""
    from mscqa.answers.verify import judgement, model_judgement
    from mscqa.engine import Engine

    settings = Settings.from_env()
    min_coverage = settings.statement_min_coverage
    model = Engine(settings).model_rule
    confusion: dict[tuple[str, str], int] = {}
    for _, claim, label, sentences in pairs:
        wanted = set(lexical_tokens(claim))
        ranked = sorted(sentences, key=lambda s: -len(wanted & set(lexical_tokens(s))))
        context = " ".join(sentences)
        verdict = (
            judgement(claim, ranked[:3], context, min_coverage)
            if model is None
            else model_judgement(claim, ranked[:3], context, model, min_coverage)
        ).verdict
        confusion[(label, verdict)] = confusion.get((label, verdict), 0) + 1
    return confusion


def print_confusion(title: str, confusion: dict[tuple[str, str], int]) -> tuple[int, int]:
    from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED

    verdicts = (SUPPORTED, CONTRADICTED, NOT_FOUND)
    total = sum(confusion.values())
    right = sum(confusion.get((v, v), 0) for v in verdicts)
    print(f"\n{title}: {right}/{total} right ({right / max(total, 1):.1%})\n")
    print("| expected | " + " | ".join(verdicts) + " |\n|---|---|---|---|")
    for label in verdicts:
        row = [confusion.get((label, v), 0) for v in verdicts]
        if sum(row):
            print(f"| {label} ({sum(row)}) | " + " | ".join(map(str, row)) + " |")
    return right, total


def score_claims(data_dir: Path, train: bool = False) -> tuple[int, int]:
    """`check`'s verdicts on the labelled (claim, cited abstract) pairs of claims_dev: all 209,
    then by even and odd claim id (rules were developed on the even ids), then the cited
    abstracts of claims without evidence (NEI); with `train`, the same for claims_train."""
    from mscqa.answers.verify import NOT_FOUND

    result = (0, 0)
    for name in ("claims_dev.jsonl", "claims_train.jsonl") if train else ("claims_dev.jsonl",):
        pairs = claim_pairs(data_dir, name)
        labelled = [p for p in pairs if p[2] != NOT_FOUND]
        right_total = print_confusion(
            f"SciFact {name}, labelled (claim, abstract) pairs", claim_verdicts(labelled)
        )
        result = right_total if name == "claims_dev.jsonl" else result
        for parity, half in ((0, "even"), (1, "odd")):
            chosen = [p for p in labelled if p[0] % 2 == parity]
            print_confusion(f"{name}, {half} claim ids", claim_verdicts(chosen))
        unshown = [p for p in pairs if p[2] == NOT_FOUND]
        print_confusion(f"{name}, cited abstracts of NEI claims", claim_verdicts(unshown))
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="test")
    parser.add_argument(
        "--tune-split", default="train", help="split that fusion weights are chosen on"
    )
    parser.add_argument("--limit", type=int, default=None, help="first N queries only")
    parser.add_argument("--claims", action="store_true", help="also score `check` verdicts")
    parser.add_argument(
        "--claims-only", action="store_true", help="only score `check` verdicts (no retrieval)"
    )
    parser.add_argument("--train", action="store_true", help="score verdicts on claims_train too")
    parser.add_argument(
        "--no-sentences",
        action="store_true",
        help="skip the sentence signals and the fusion weights chosen on --tune-split",
    )
    args = parser.parse_args(argv)
    if args.claims_only:
        score_claims(args.data, args.train)
        return
    data = load(args.data, args.split, args.limit)
    embedder = onnx_embedder()
    print(f"SciFact {args.split}: {len(data.query_ids)} queries, {len(data.doc_ids):,} abstracts\n")
    train = None if args.no_sentences else load(args.data, args.tune_split)
    results = run_retrieval(data, embedder, train)
    print("| run | nDCG@10 | recall@100 |\n|---|---|---|")
    for name, ndcg, recall in results:
        print(f"| {name} | {ndcg:.3f} | {recall:.3f} |")
    for name, value in PUBLISHED.items():
        print(f"| published: {name} | {value:.3f} | |")
    if args.claims:
        score_claims(args.data, args.train)


if __name__ == "__main__":
    main()
