"""Side by side: the same questions through mscqa (`Engine.ask`: embedding, BM25 + vectors
fused, quote choice), through plain sentence-transformers `util.semantic_search` over the same
passage vectors, and through bm25s alone over the same BM25 index.

    .venv/bin/python benchmarks/side_by_side.py [--size 10000] [--questions 100]

Each column is the whole cost of one question, embedding included where there is one.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index.load import BM25_DIR
from mscqa.text.terms import lexical_tokens
from synthetic import build_synthetic_index, questions


def row(name: str, times: list[float], reference: float) -> str:
    p50 = statistics.median(times)
    return f"| {name} | {p50:.2f} | {np.percentile(times, 95):.2f} | {p50 / reference:.2f}x |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    import bm25s
    import torch
    from sentence_transformers import SentenceTransformer, util

    index_dir = build_synthetic_index(args.size)
    settings = Settings(index_dir=index_dir, corpus_dir=index_dir / "no-corpus")
    engine = Engine(settings)
    engine.warm_up()
    flat = engine.index.passage_vectors
    corpus = torch.from_numpy(flat.reconstruct_n(0, flat.ntotal))
    model = SentenceTransformer(str(settings.model_path), device="cpu")
    lexical = bm25s.BM25.load(str(engine.index.path / BM25_DIR), show_progress=False)
    texts = questions(args.questions)
    model.encode(texts[:2])
    times: dict[str, list[float]] = {"mscqa": [], "semantic_search": [], "bm25s": []}
    for text in texts:
        started = time.perf_counter()
        engine.ask(text)
        times["mscqa"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        query = model.encode([text], convert_to_tensor=True, normalize_embeddings=True)
        util.semantic_search(query, corpus, top_k=10)
        times["semantic_search"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        tokens = lexical_tokens(text) or ["_"]
        lexical.retrieve([tokens], k=10, show_progress=False, n_threads=1)
        times["bm25s"].append((time.perf_counter() - started) * 1000)
    reference = statistics.median(times["mscqa"])
    print(f"\n{len(texts)} questions over {args.size:,} passages; ms per question\n")
    print("| system | p50 ms | p95 ms | p50 x mscqa |")
    print("|---|---:|---:|---:|")
    print(row("mscqa `Engine.ask` (quotes, sources, abstention)", times["mscqa"], reference))
    print(
        row(
            "sentence-transformers encode + util.semantic_search (top 10 passages)",
            times["semantic_search"],
            reference,
        )
    )
    print(row("bm25s retrieve alone (top 10 passages, no embedding)", times["bm25s"], reference))


if __name__ == "__main__":
    main()
