"""Index build throughput: passages per second of `build_index` against the same model's raw
batch `encode` of the same passages.

    .venv/bin/python benchmarks/build_throughput.py [--articles 80]

Articles are SciFact abstracts, split, embedded and written exactly as `mscqa index build`
does (the ONNX export already in place, as on every build after the first). The model is
loaded before timing for both. Both embedders are measured: the ONNX export (what
`mscqa index build` uses once the export exists) and sentence-transformers (the first build).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.corpus.passages import embedding_text, make_passages, split_sentences
from mscqa.index.build import build_index
from mscqa.index.embedder import Embedder, SentenceTransformerEmbedder, model_fingerprint
from mscqa.index.onnx_backend import ONNX_DIR, OnnxEmbedder, export_dir
from synthetic import CACHE, SCIFACT, build_synthetic_index

TARGET = 0.9


def abstracts(count: int) -> list[Article]:
    import json

    articles = []
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if len(doc["text"].split()) < 150:
                continue
            articles.append(
                Article(
                    id=f"scifact-{doc['_id']}",
                    title=" ".join(doc["title"].split()),
                    reference=f"SciFact corpus document {doc['_id']}",
                    text=doc["text"],
                    source="benchmark",
                )
            )
            if len(articles) == count:
                break
    return articles


def passage_texts(articles: list[Article], settings: Settings) -> list[str]:
    texts = []
    for article in articles:
        sentences = split_sentences(article)
        for p in make_passages(
            article, sentences, settings.passage_max_words, settings.passage_overlap_sentences
        ):
            texts.append(embedding_text(article.title, p.text))
    return texts


def measure(embedder: Embedder, articles: list[Article], settings: Settings) -> tuple[float, ...]:
    texts = passage_texts(articles, settings)
    embedder.encode(texts[:8])  # load the model outside the timings
    started = time.perf_counter()
    embedder.encode(texts)
    raw = len(texts) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        # An export as left by an earlier build: the timed build does not export again.
        source = export_dir(CACHE / "index-1000", embedder.model_id)
        shutil.copytree(source, export_dir(index_dir, embedder.model_id))
        started = time.perf_counter()
        report = build_index(
            index_dir,
            articles,
            embedder,
            max_words=settings.passage_max_words,
            overlap=settings.passage_overlap_sentences,
        )
        built = report.total_passages / (time.perf_counter() - started)
    return len(texts), raw, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=80)
    args = parser.parse_args()
    settings = Settings()
    build_synthetic_index(1_000)  # makes the ONNX export that the builds start from
    model_dir = settings.model_path
    model_id = model_fingerprint(model_dir)
    articles = abstracts(args.articles)
    onnx = OnnxEmbedder(export_dir(CACHE / "index-1000", model_id), model_id)
    rows = []
    # ONNX first: once torch has run in a process, its idle OpenMP threads slow onnxruntime.
    for name, embedder in (
        ("ONNX export", onnx),
        ("sentence-transformers", SentenceTransformerEmbedder(model_dir)),
    ):
        count, raw, built = measure(embedder, articles, settings)
        rows.append(
            f"| {name} | {count} | {raw:.1f} | {built:.1f} | {built / raw:.2f} "
            f"| {'met' if built / raw >= TARGET else 'missed'} |"
        )
    print(f"\n{len(articles)} SciFact abstracts; passages per second\n")
    print(
        "| embedder | passages | raw encode p/s | index build p/s | build / raw | target >= 0.9 |"
    )
    print("|---|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print(f"\n(`{ONNX_DIR}/` export already present; the build also embeds every sentence.)")


if __name__ == "__main__":
    main()
