"""Synthetic corpora of 1k-100k passages for the benchmarks, written as real index versions.

Articles are SciFact abstracts (../shared/bench/scifact, sentences as published) for the first
1,000 passages, then articles of 10 sentences drawn at random from those abstracts and the
shipped articles. Sentence boundaries are known, so sentences are not re-split with
pysbd (that would take many minutes at 100k passages and is not what is measured here).

Vectors: every distinct sentence is embedded with the real model once and cached in
benchmarks/.cache/ (gitignored). A passage vector is the normalised mean of its sentence
vectors: embedding 100k passages one by one would take more than an hour on this machine. The
costs measured (exact or approximate search, fusion, quote choice) depend on the number and
size of vectors, not on how they were made; recall@10 is measured on these vectors. With the
answer ranker on (the default), the version also stores the ranker's vector of every sentence,
as `mscqa index build` does, embedded one sentence at a time and cached the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from mscqa.answers.ranker import RANKER_DIR, BiEncoderRanker, shared_ranker
from mscqa.config import Settings
from mscqa.corpus.articles import Article, corpus_hash
from mscqa.corpus.checks import load_corpus
from mscqa.corpus.passages import (
    Passage,
    Sentence,
    embedding_text,
    make_passages,
    sentence_reading,
    split_sentences,
)
from mscqa.index.build import IndexParts, write_version
from mscqa.index.embedder import Embedder, create_embedder, model_fingerprint
from mscqa.index.load import FORMAT_VERSION, Manifest, read_manifest
from mscqa.index.onnx_backend import ensure_export, export_dir
from mscqa.index.status import text_fingerprint
from mscqa.index.store import POINTER, VERSIONS

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
# ../shared/bench/scifact beside the repository (or beside the folder holding it).
SCIFACT = next(
    (
        folder / "shared" / "bench" / "scifact"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "bench" / "scifact").is_dir()
    ),
    ROOT.parent / "shared" / "bench" / "scifact",
)
SIZES = (1_000, 10_000, 100_000)
# The first passages are SciFact abstracts as published; the rest are recombined from their
# sentences and the shipped articles' (all ~46k SciFact sentences would take ~25 min to embed
# on this shared 2-core machine; 3.5k take 2 min and are cached).
REAL_ABSTRACT_PASSAGES = 1_000

# Questions written for the benchmarks (clinic topics and general biomedical ones); SciFact
# claims are added to them by `questions()`.
OWN_QUESTIONS = (
    "Can stem cells help with arthritis of the hip?",
    "Is an injection of mesenchymal cells safe for people with ALS?",
    "How do mesenchymal stem cells calm an overactive immune system?",
    "What happened to disability scores after cell therapy in multiple sclerosis?",
    "Does cell therapy reduce long-lasting pain?",
    "Which growth factors do stromal cells release?",
    "How long did the patients in the trials stay without side effects?",
    "What is the effect of vitamin D on bone density in older women?",
    "Does smoking change the risk of heart attack in young adults?",
    "How does insulin resistance develop in obesity?",
    "Which genes are linked to breast cancer in families?",
    "Can exercise slow memory loss in old age?",
    "What causes antibiotic resistance in hospital bacteria?",
    "Does aspirin lower the chance of colorectal cancer?",
    "How do T cells recognise infected cells?",
    "What is the role of inflammation in atherosclerosis?",
    "Are statins linked to muscle pain?",
    "How does sleep affect blood pressure?",
    "Which proteins control cell division in tumours?",
    "Is there a vaccine that prevents cervical cancer?",
)


def questions(count: int = 100, seed: int = 7) -> list[str]:
    """The own questions above plus SciFact claims (their text only), `count` in all."""
    claims = [
        json.loads(line)["text"]
        for line in (SCIFACT / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    random.Random(seed).shuffle(claims)
    return [*OWN_QUESTIONS, *claims][:count]


def _abstracts() -> list[tuple[str, list[str]]]:
    rows = []
    with (SCIFACT / "corpus_sentences.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            sentences = [" ".join(s.split()) for s in doc["abstract"] if s.strip()]
            if doc["title"].strip() and sentences:
                rows.append((" ".join(doc["title"].split()), sentences))
    return rows


def _shipped_sentences() -> list[str]:
    return [s.text for a in load_corpus(ROOT / "corpus") for s in split_sentences(a)]


def _article(number: int, title: str, sentences: Sequence[str]) -> tuple[Article, list[Sentence]]:
    text = " ".join(sentences)
    article_id = f"synthetic-{number:06d}"
    spans, start = [], 0
    for sentence in sentences:
        spans.append(Sentence(article_id, start, start + len(sentence), sentence))
        start += len(sentence) + 1
    article = Article(
        id=article_id,
        title=title,
        reference=f"Synthetic article {number} built from SciFact (Wadden et al., 2020).",
        text=text,
        source="benchmark",
    )
    return article, spans


def make_corpus(passages: int, seed: int = 11) -> tuple[IndexParts, list[str]]:
    """Articles, passages and sentences adding up to exactly `passages` passages, and the
    distinct sentence texts they use."""
    settings = Settings()
    abstracts = _abstracts()
    pool = _shipped_sentences()
    rng = random.Random(seed)
    articles: list[Article] = []
    all_passages: list[Passage] = []
    all_sentences: list[Sentence] = []
    number = 0
    while len(all_passages) < passages:
        if len(all_passages) < REAL_ABSTRACT_PASSAGES:
            title, sentences = abstracts[number]
            pool.extend(sentences)
        else:
            title = abstracts[rng.randrange(len(abstracts))][0]
            sentences = rng.sample(pool, 10)
        article, spans = _article(number, title, sentences)
        number += 1
        made = make_passages(
            article, spans, settings.passage_max_words, settings.passage_overlap_sentences
        )
        made = made[: passages - len(all_passages)]
        if not made:
            continue
        # Keep only the sentences the kept passages use, so offsets and counts stay consistent.
        spans = spans[: made[-1].last_sentence + 1]
        articles.append(article)
        all_passages.extend(made)
        all_sentences.extend(spans)
    texts = sorted({s.text for s in all_sentences})
    return IndexParts(articles, all_passages, all_sentences), texts


class VectorCache:
    """Sentence vectors by text hash, kept in benchmarks/.cache/ between runs."""

    def __init__(self, embedder: Embedder) -> None:
        safe = export_dir(Path("."), embedder.model_id).name
        self.path = CACHE / f"sentences-{safe}"
        self.embedder = embedder
        self.keys: dict[str, int] = {}
        self.vectors = np.zeros((0, embedder.dim), dtype=np.float32)
        if (self.path / "keys.json").is_file():
            self.keys = json.loads((self.path / "keys.json").read_text())
            self.vectors = np.load(self.path / "vectors.npy")
            if len(self.vectors) != len(self.keys):
                self.keys, self.vectors = {}, self.vectors[:0]

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    def fill(self, texts: Sequence[str], chunk: int = 2048) -> None:
        todo = [t for t in texts if self.key(t) not in self.keys]
        started = time.perf_counter()
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            vectors = self.embedder.encode(part, batch_size=64)
            for text in part:
                self.keys[self.key(text)] = len(self.keys)
            self.vectors = np.vstack([self.vectors, vectors])
            self._save()
            done = start + len(part)
            rate = done / (time.perf_counter() - started)
            print(f"  embedded {done}/{len(todo)} sentences ({rate:.0f}/s)", file=sys.stderr)

    def _save(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        np.save(self.path / "vectors.tmp.npy", self.vectors)
        (self.path / "keys.tmp.json").write_text(json.dumps(self.keys))
        os.replace(self.path / "vectors.tmp.npy", self.path / "vectors.npy")
        os.replace(self.path / "keys.tmp.json", self.path / "keys.json")

    def get(self, texts: Sequence[str]) -> np.ndarray:
        return self.vectors[[self.keys[self.key(t)] for t in texts]]


class RankerEmbedder:
    """The answer ranker as `VectorCache` embeds with: each sentence alone, as the index
    build and the ranker itself embed them (int8 activations are quantised per batch)."""

    def __init__(self, ranker: BiEncoderRanker) -> None:
        self.ranker = ranker
        self.model_id = ranker.vector_model
        self.dim = ranker.encoder.dim

    def encode(self, texts: Sequence[str], batch_size: int = 1) -> np.ndarray:
        return self.ranker.embed_each(texts)


def answer_ranker() -> BiEncoderRanker | None:
    """The shipped answer ranker when it is on (MSCQA_RANKER) and keeps sentence vectors."""
    if not Settings.from_env().ranker:
        return None
    ranker = shared_ranker(RANKER_DIR)
    return ranker if isinstance(ranker, BiEncoderRanker) and ranker.vector_model else None


def answer_vectors(parts: IndexParts) -> tuple[np.ndarray | None, str]:
    """The answer ranker's vector of each sentence as it reads them, and its id; (None, "")
    without the ranker."""
    ranker = answer_ranker()
    if ranker is None:
        return None, ""
    readings = [sentence_reading(parts.sentences, row) for row in range(len(parts.sentences))]
    cache = VectorCache(RankerEmbedder(ranker))  # type: ignore[arg-type]
    cache.fill(sorted(set(readings)))
    return cache.get(readings), ranker.vector_model


def question_embedder(index_dir: Path) -> Embedder:
    """The embedder `mscqa ask` uses for this index (ONNX export)."""
    return create_embedder("auto", Settings().model_path, index_dir)


def build_synthetic_index(passages: int, index_dir: Path | None = None) -> Path:
    """An index version of `passages` synthetic passages in benchmarks/.cache/index-N/, made
    once and reused while it stores the answer vectors of the ranker in use; returns the index
    folder."""
    index_dir = index_dir or CACHE / f"index-{passages}"
    model_dir = Settings().model_path
    model_id = model_fingerprint(model_dir)
    if (index_dir / "CURRENT.json").is_file():
        ranker = answer_ranker()
        if read_manifest(index_dir).answer_model == (ranker.vector_model if ranker else ""):
            return index_dir
        (index_dir / POINTER).unlink()  # first: a pointer never names a folder being deleted
        shutil.rmtree(index_dir / VERSIONS)
    started = time.perf_counter()
    # The model export is shared by every synthetic index: export once, then copy by hardlink.
    shared = CACHE / "model"
    if ensure_export(shared, model_dir, model_id) is None:
        raise SystemExit("the ONNX export failed: see the warning above")
    target = export_dir(index_dir, model_id)
    target.mkdir(parents=True, exist_ok=True)
    for file in export_dir(shared, model_id).iterdir():
        if not (target / file.name).exists():
            os.link(file, target / file.name)
    embedder = question_embedder(index_dir)
    parts, texts = make_corpus(passages)
    cache = VectorCache(embedder)
    cache.fill(texts)
    sentence_vectors = cache.get([s.text for s in parts.sentences])
    base: dict[str, int] = {}
    for row, sentence in enumerate(parts.sentences):
        base.setdefault(sentence.article_id, row)
    passage_vectors = np.zeros((len(parts.passages), embedder.dim), dtype=np.float32)
    for i, p in enumerate(parts.passages):
        first = base[p.article_id] + p.first_sentence
        passage_vectors[i] = sentence_vectors[first : base[p.article_id] + p.last_sentence + 1].sum(
            0
        )
    passage_vectors /= np.linalg.norm(passage_vectors, axis=1, keepdims=True)
    answers, answer_model = answer_vectors(parts)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        version=datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + f"-synthetic{passages}",
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        model_id=model_id,
        dim=embedder.dim,
        backend=embedder.backend,
        corpus_hash=corpus_hash(parts.articles),
        articles={a.id: a.content_hash for a in parts.articles},
        passage_count=len(parts.passages),
        sentence_count=len(parts.sentences),
        passage_max_words=Settings().passage_max_words,
        passage_overlap_sentences=Settings().passage_overlap_sentences,
        query_backend="onnx",
        query_model_file=str((target / "model.onnx").relative_to(index_dir)),
        lexical=text_fingerprint(),
        answer_model=answer_model,
    )
    write_version(index_dir, manifest, parts, passage_vectors, sentence_vectors, answers)
    print(
        f"  synthetic index of {passages} passages in {time.perf_counter() - started:.0f}s",
        file=sys.stderr,
    )
    return index_dir


def passage_texts(parts: IndexParts) -> list[str]:
    titles = {a.id: a.title for a in parts.articles}
    return [embedding_text(titles[p.article_id], p.text) for p in parts.passages]


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or SIZES:
        print(build_synthetic_index(size))
