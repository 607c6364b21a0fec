"""Question latency through the library at 1k, 10k and 100k passages, as a ratio to the floor.

    .venv/bin/python benchmarks/latency.py [--sizes 1000 10000 100000] [--questions 100]

The floor is one `encode` of the question by the model the engine uses (the ONNX export).
Each question is answered by `Engine.ask` (the whole answer) and, separately, step by step:
query embedding, lexical search (BM25 scores and top-k), vector search (FAISS) and answer
composition (`find_quotes`). p50 and p95 in milliseconds, and p50 as a ratio to the floor's p50.
At the largest size it also times an approximate index (HNSW) against exact search and reports
its recall@10, to show where exact search stops meeting the target.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mscqa.answers.quotes import find_quotes
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.text.terms import lexical_tokens
from synthetic import SIZES, build_synthetic_index, questions

TARGET = 1.5  # whole answer at most 1.5x the floor at p50, at 100k passages


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def lexical_search(index: Any, text: str, k: int) -> np.ndarray:
    scores = index.bm25.get_scores(lexical_tokens(text))
    top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
    return top[np.argsort(-scores[top], kind="stable")]


def measure(size: int, texts: list[str]) -> dict[str, list[float]]:
    index_dir = build_synthetic_index(size)
    settings = Settings(index_dir=index_dir, corpus_dir=index_dir / "no-corpus")
    engine = Engine(settings)
    index = engine.index
    engine.warm_up()
    retriever = engine._current().retriever
    embedder = engine.embedder
    k = settings.candidates
    times: dict[str, list[float]] = {
        name: [] for name in ("floor", "embed", "lexical", "vector", "compose", "whole")
    }
    hits = {}
    # Floor, whole answer and the search steps side by side for each question, so that they
    # meet the same load on the machine.
    for text in texts:
        times["floor"].append(timed(embedder.encode, [text])[0])
        times["whole"].append(timed(engine.ask, text)[0])
        ms, vector = timed(retriever.embed, text)
        times["embed"].append(ms)
        times["lexical"].append(timed(lexical_search, index, text, k)[0])
        times["vector"].append(timed(index.passage_vectors.search, vector.reshape(1, -1), k)[0])
        hits[text] = (vector, retriever.search(text, vector))
    for text in texts:
        vector, found = hits[text]
        compose_ms, _ = timed(
            find_quotes,
            text,
            vector,
            found,
            index,
            top_k=settings.top_k,
            min_score=settings.min_score,
            min_quote_score=settings.min_quote_score,
            known_similarity=retriever.known_similarity(text, vector),
            neighbour_ratio=settings.quote_neighbour_ratio,
        )
        times["compose"].append(compose_ms)
    print(
        f"  {size:,} passages: {index.manifest.sentence_count:,} sentences, "
        f"{type(index.passage_vectors).__name__}, question embedder {embedder.backend}"
    )
    return times


def approximate_search(size: int, texts: list[str]) -> list[str]:
    """Exact flat search against HNSW on the same vectors: time and recall@10."""
    import faiss

    index_dir = build_synthetic_index(size)
    engine = Engine(Settings(index_dir=index_dir, corpus_dir=index_dir / "no-corpus"))
    flat = engine.index.passage_vectors
    vectors = flat.reconstruct_n(0, flat.ntotal)
    queries = engine.embedder.encode(texts)
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(vectors)
    build_s = time.perf_counter() - started
    rows = []
    exact_ms = [timed(flat.search, q.reshape(1, -1), 10)[0] for q in queries]
    _, exact_ids = flat.search(queries, 10)
    for ef in (32, 64, 128):
        hnsw.hnsw.efSearch = ef
        ms = [timed(hnsw.search, q.reshape(1, -1), 10)[0] for q in queries]
        _, ids = hnsw.search(queries, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact_ids, strict=True)])
        rows.append(
            f"| HNSW32 efSearch={ef} | {statistics.median(ms):.2f} | {percentile(ms, 95):.2f} "
            f"| {recall:.3f} |"
        )
    return [
        f"\nVector search alone at {size:,} passages (HNSW built in {build_s:.0f}s):\n",
        "| index | p50 ms | p95 ms | recall@10 vs exact |",
        "|---|---:|---:|---:|",
        f"| IndexFlatIP (exact) | {statistics.median(exact_ms):.2f} | "
        f"{percentile(exact_ms, 95):.2f} | 1.000 |",
        *rows,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--no-hnsw", action="store_true", help="skip the approximate index")
    args = parser.parse_args()
    texts = questions(args.questions)
    steps = ("embed", "lexical", "vector", "compose", "whole")
    lines = [
        "| passages | floor p50 ms | "
        + " | ".join(f"{s} p50 / p95 ms (x floor)" for s in steps)
        + " |",
        "|---:|---:|" + "---:|" * len(steps),
    ]
    verdicts = []
    for size in args.sizes:
        times = measure(size, texts)
        floor = statistics.median(times["floor"])
        cells = [
            f"{statistics.median(times[s]):.2f} / {percentile(times[s], 95):.2f} "
            f"({statistics.median(times[s]) / floor:.2f}x)"
            for s in steps
        ]
        lines.append(f"| {size:,} | {floor:.2f} | " + " | ".join(cells) + " |")
        ratio = statistics.median(times["whole"]) / floor
        verdict = f" (target <= {TARGET}x: {'met' if ratio <= TARGET else 'missed'})"
        verdicts.append(
            f"{size:,} passages: whole answer {ratio:.2f}x the floor at p50"
            + (verdict if size == 100_000 else "")
        )
    print(f"\n{len(texts)} questions per size; ms per question\n")
    print("\n".join(lines))
    print()
    print("\n".join(verdicts))
    if not args.no_hnsw:
        print("\n".join(approximate_search(max(args.sizes), texts)))


if __name__ == "__main__":
    main()
