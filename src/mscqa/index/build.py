"""Build and update versions of `index/`, and roll back to the previous one.

A version holds the articles, their passages and sentences (offsets only), one vector per
passage (FAISS, inner product) and per sentence (NumPy), a BM25 index of the passages, and a
manifest saying how it was made. `build_index(..., incremental=True)` reuses what the current
version already holds for unchanged text, so an update equals a full build of the same corpus.
"""

from __future__ import annotations

import errno
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mscqa.corpus.articles import Article, corpus_hash
from mscqa.corpus.passages import (
    Passage,
    Sentence,
    embedding_text,
    make_passages,
    sentence_reading,
    split_sentences,
)
from mscqa.errors import (
    CorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexWriteError,
)
from mscqa.index.embedder import Embedder
from mscqa.index.load import (
    ANSWER_VECTORS_FILE,
    ARTICLES_FILE,
    BM25_DIR,
    FORMAT_VERSION,
    MANIFEST_FILE,
    PASSAGE_VECTORS_FILE,
    PASSAGES_FILE,
    SENTENCE_VECTORS_FILE,
    SENTENCES_FILE,
    LoadedIndex,
    Manifest,
    load_index,
    read_manifest,
)
from mscqa.index.onnx_backend import prepare_question_model
from mscqa.index.status import diff_articles, text_fingerprint
from mscqa.index.store import (
    REBUILD_HINT,
    VERSIONS,
    index_lock,
    new_version_name,
    read_pointer,
    remove_leftovers,
    sha256_file,
    step,
    switch,
    write_jsonl,
    write_pointer,
    write_text,
    writing_version,
)
from mscqa.text.terms import lexical_tokens

# Texts per call to the embedder: small enough for a smooth progress bar, large enough that
# the model still batches well.
_EMBED_CHUNK = 256


# Building.


@dataclass(frozen=True)
class BuildReport:
    """What a build or update did. `full_reason` says why an update had to embed everything."""

    version: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    total_articles: int
    embedded_passages: int
    total_passages: int
    embedded_sentences: int
    total_sentences: int
    seconds: float
    full_reason: str | None = None
    cleaned_up: tuple[str, ...] = ()  # what an interrupted build had left behind
    embedded_answers: int = 0  # sentences embedded by the answer ranker


class AnswerEncoder(Protocol):
    """The answer ranker's sentence embedding (`answers.ranker.BiEncoderRanker`): the index
    stores its vector of every sentence, so questions only embed themselves."""

    vector_model: str

    def embed_each(self, sentences: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class AnswerVectors:
    """The answer ranker's vector of each sentence, the ranker's id, and how many of the
    vectors were embedded (the rest came from the previous version)."""

    vectors: np.ndarray
    model: str
    embedded: int


@dataclass(frozen=True)
class IndexParts:
    """The articles of one build, cut into passages and sentences."""

    articles: list[Article]
    passages: list[Passage]
    sentences: list[Sentence]


def build_index(
    index_dir: Path,
    articles: Sequence[Article],
    embedder: Embedder,
    *,
    max_words: int,
    overlap: int,
    incremental: bool = False,
    progress: bool = False,
    lock_timeout: float = 0.0,
    on_wait: Callable[[], None] | None = None,
    answer_encoder: AnswerEncoder | None = None,
) -> BuildReport:
    """Build a new version from `articles` and switch to it atomically; with an
    `answer_encoder`, one that also stores the answer ranker's vector of every sentence.

    With `incremental`, the current version's sentence splits (of unchanged articles) and
    vectors (of identical texts, same model) are reused: the result is the same as a full
    build, at the cost of embedding only what changed. A version made with another model, or
    under other sentence and word rules (`status.text_fingerprint`), is never reused, so
    vectors of two models or two readings of a text are never mixed.
    """
    started = time.perf_counter()
    with index_lock(index_dir, lock_timeout, on_wait):
        cleaned_up = tuple(path.name for path in remove_leftovers(index_dir))
        step("leftovers-removed")
        previous, full_reason = None, None
        if incremental:
            previous, full_reason = _reusable_version(index_dir, embedder)
        old_articles = previous.manifest.articles if previous else _current_articles(index_dir)
        parts = _split(articles, max_words, overlap, previous)
        step("split")
        reuse = _vector_lookup(previous)
        titles = {a.id: a.title for a in parts.articles}
        passage_texts = [embedding_text(titles[p.article_id], p.text) for p in parts.passages]
        sentence_texts = [sentence_reading(parts.sentences, r) for r in range(len(parts.sentences))]
        vectors, embedded = _embed(embedder, passage_texts + sentence_texts, reuse, progress)
        passage_vectors = vectors[: len(passage_texts)]
        sentence_vectors = vectors[len(passage_texts) :]
        answers = _embed_answers(answer_encoder, sentence_texts, previous, progress)
        hashes = {a.id: a.content_hash for a in parts.articles}
        query_backend, query_model_file = prepare_question_model(index_dir, embedder)
        version = new_version_name()
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            version=version,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            model_id=embedder.model_id,
            dim=embedder.dim,
            backend=embedder.backend,
            corpus_hash=corpus_hash(parts.articles),
            articles=hashes,
            passage_count=len(parts.passages),
            sentence_count=len(parts.sentences),
            passage_max_words=max_words,
            passage_overlap_sentences=overlap,
            query_backend=query_backend,
            query_model_file=query_model_file,
            lexical=text_fingerprint(),
            answer_model=answers.model if answers else "",
        )
        stored = answers.vectors if answers else None
        write_version(index_dir, manifest, parts, passage_vectors, sentence_vectors, stored)
        added, changed, removed = diff_articles(old_articles, hashes)
        embedded_passages = sum(1 for i in embedded if i < len(passage_texts))
        return BuildReport(
            version=version,
            added=added,
            changed=changed,
            removed=removed,
            total_articles=len(parts.articles),
            embedded_passages=embedded_passages,
            total_passages=len(parts.passages),
            embedded_sentences=len(embedded) - embedded_passages,
            total_sentences=len(parts.sentences),
            seconds=time.perf_counter() - started,
            full_reason=full_reason if incremental else None,
            cleaned_up=cleaned_up,
            embedded_answers=answers.embedded if answers else 0,
        )


def write_version(
    index_dir: Path,
    manifest: Manifest,
    parts: IndexParts,
    passage_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    answer_vectors: np.ndarray | None = None,
) -> None:
    """Write a complete version folder, then make it the current one."""
    try:
        with writing_version(index_dir, manifest.version) as folder:
            _write_files(folder, manifest, parts, passage_vectors, sentence_vectors, answer_vectors)
        switch(index_dir, manifest.version)
    except OSError as exc:
        raise IndexWriteError(
            f"could not write the new index to {index_dir}/ ({exc.strerror or exc}); the "
            "previous index is unchanged: free disk space or fix permissions, then run "
            "`mscqa index build`"
        ) from None


def _reusable_version(index_dir: Path, embedder: Embedder) -> tuple[LoadedIndex | None, str | None]:
    """The current version if an update may reuse it, else None and the reason."""
    try:
        previous = load_index(index_dir)
    except IndexMissingError:
        return None, "no index yet: every passage is embedded"
    except (IndexCorruptError, IndexMismatchError) as exc:
        return None, f"the current version cannot be reused ({exc})"
    step("loaded-previous")
    manifest = previous.manifest
    if manifest.model_id != embedder.model_id or manifest.dim != embedder.dim:
        return None, (
            f"the model changed from {manifest.model_id} to {embedder.model_id}: "
            "every passage is embedded again"
        )
    if manifest.lexical != text_fingerprint():
        return None, (
            "the rules for sentences or words changed since the build: "
            "every article is split and embedded again"
        )
    return previous, None


def _split(
    articles: Sequence[Article], max_words: int, overlap: int, previous: LoadedIndex | None
) -> IndexParts:
    """Sentences and passages of every article. Sentence boundaries are reused from `previous`
    for an article whose content hash is unchanged: splitting is the slow part of an update."""
    known: dict[str, list[Sentence]] = {}
    if previous is not None:
        for sentence in previous.sentences:
            known.setdefault(sentence.article_id, []).append(sentence)
    ordered = sorted(articles, key=lambda a: a.id)
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for article in ordered:
        unchanged = previous is not None and (
            previous.manifest.articles.get(article.id) == article.content_hash
        )
        article_sentences = known[article.id] if unchanged else split_sentences(article)
        if not article_sentences:
            raise CorpusError(f"article '{article.id}' has no sentences: add text to its body")
        sentences.extend(article_sentences)
        passages.extend(make_passages(article, article_sentences, max_words, overlap))
    return IndexParts(ordered, passages, sentences)


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _vector_lookup(index: LoadedIndex | None) -> dict[bytes, np.ndarray]:
    """Vectors of `index` keyed by the exact text that was embedded (passages carry their
    article's title, so a changed title changes the key even where the passage id does not)."""
    if index is None:
        return {}
    lookup: dict[bytes, np.ndarray] = {}
    vectors = index.passage_vectors.reconstruct_n(0, index.passage_vectors.ntotal)
    for passage, vector in zip(index.passages, vectors, strict=True):
        title = index.articles[passage.article_id].title
        lookup[_text_key(embedding_text(title, passage.text))] = vector
    for row, vector in enumerate(index.sentence_vectors):
        lookup[_text_key(sentence_reading(index.sentences, row))] = vector
    return lookup


def _embed(
    embedder: Embedder, texts: list[str], reuse: dict[bytes, np.ndarray], progress: bool
) -> tuple[np.ndarray, list[int]]:
    """Vectors for `texts`, taken from `reuse` where possible; also the rows that were encoded."""
    from tqdm import tqdm

    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    todo = []
    for row, text in enumerate(texts):
        vector = reuse.get(_text_key(text))
        if vector is None:
            todo.append(row)
        else:
            out[row] = vector
    with tqdm(
        total=len(todo), desc="embedding", unit="text", disable=not progress, leave=False
    ) as bar:
        for begin in range(0, len(todo), _EMBED_CHUNK):
            rows = todo[begin : begin + _EMBED_CHUNK]
            out[rows] = embedder.encode([texts[row] for row in rows])
            bar.update(len(rows))
            step("embedded-chunk")
    return out, todo


def _embed_answers(
    encoder: AnswerEncoder | None,
    readings: list[str],
    previous: LoadedIndex | None,
    progress: bool,
) -> AnswerVectors | None:
    """The answer ranker's vector of each sentence (as the ranker reads it), taken from
    `previous` where it stores the same ranker's vector of the same reading; None without an
    encoder."""
    from tqdm import tqdm

    if encoder is None or not encoder.vector_model:
        return None
    same = previous is not None and previous.answer_model == encoder.vector_model
    stored = previous.answer_vectors if previous is not None and same else None
    reuse: dict[bytes, np.ndarray] = {}
    if previous is not None and stored is not None:
        for row, vector in enumerate(stored):
            reuse[_text_key(sentence_reading(previous.sentences, row))] = vector
    found = {row: reuse.get(_text_key(text)) for row, text in enumerate(readings)}
    todo = [row for row, vector in found.items() if vector is None]
    with tqdm(total=len(todo), desc="answer vectors", disable=not progress, leave=False) as bar:
        for begin in range(0, len(todo), _EMBED_CHUNK):
            rows = todo[begin : begin + _EMBED_CHUNK]
            made = encoder.embed_each([readings[row] for row in rows])
            found.update(zip(rows, made, strict=True))
            bar.update(len(rows))
            step("embedded-answers")
    vectors = [vector for vector in found.values() if vector is not None]
    if not vectors:
        return None
    return AnswerVectors(np.stack(vectors).astype(np.float32), encoder.vector_model, len(todo))


def _current_articles(index_dir: Path) -> dict[str, str]:
    try:
        return read_manifest(index_dir).articles
    except (IndexMissingError, IndexCorruptError):
        return {}


def _write_files(
    folder: Path,
    manifest: Manifest,
    parts: IndexParts,
    passage_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    answer_vectors: np.ndarray | None = None,
) -> None:
    import bm25s
    import faiss

    write_jsonl(
        folder / ARTICLES_FILE,
        (
            {"id": a.id, "title": a.title, "reference": a.reference, "source": a.source}
            | {"text": a.text}
            for a in parts.articles
        ),
    )
    write_jsonl(
        folder / PASSAGES_FILE,
        (
            {
                "id": p.id,
                "article_id": p.article_id,
                "start": p.start,
                "end": p.end,
                "first_sentence": p.first_sentence,
                "last_sentence": p.last_sentence,
            }
            for p in parts.passages
        ),
    )
    write_jsonl(
        folder / SENTENCES_FILE,
        ({"article_id": s.article_id, "start": s.start, "end": s.end} for s in parts.sentences),
    )
    step("write-vectors")
    try:
        faiss.write_index(
            passage_vector_index(np.ascontiguousarray(passage_vectors), manifest.dim),
            str(folder / PASSAGE_VECTORS_FILE),
        )
    except RuntimeError as exc:  # how faiss reports a failed write, e.g. a full disk
        raise OSError(errno.EIO, f"{PASSAGE_VECTORS_FILE} not written: {exc}") from None
    step("write-sentence-vectors")
    np.save(folder / SENTENCE_VECTORS_FILE, sentence_vectors, allow_pickle=False)
    if answer_vectors is not None:
        np.save(folder / ANSWER_VECTORS_FILE, answer_vectors, allow_pickle=False)
    step("write-bm25")
    titles = {a.id: a.title for a in parts.articles}
    retriever = bm25s.BM25()
    retriever.index(
        [
            lexical_tokens(embedding_text(titles[p.article_id], p.text), document=True) or ["_"]
            for p in parts.passages
        ],
        show_progress=False,
    )
    retriever.save(str(folder / BM25_DIR), show_progress=False)
    step("write-manifest")
    files = {
        str(path.relative_to(folder)): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    final = Manifest(**{**asdict(manifest), "files": files})
    write_text(folder / MANIFEST_FILE, final.to_json())


# Exact search while it keeps a whole answer within 1.5x the cost of embedding the question;
# past that, HNSW (Malkov & Yashunin 2018). Measured in benchmarks/latency.py: exact search
# takes 0.05x of that cost at 10k passages and 0.9x at 100k, where HNSW (M=32, efSearch=128)
# takes 0.05x with recall@10 0.97 against exact.
EXACT_SEARCH_MAX_PASSAGES = 50_000


def passage_vector_index(vectors: np.ndarray, dim: int) -> Any:
    """The FAISS index for the passage vectors (inner product over normalized vectors)."""
    import faiss

    index: Any
    if len(vectors) <= EXACT_SEARCH_MAX_PASSAGES:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    if len(vectors):
        index.add(vectors)
    return index


def rollback(index_dir: Path, lock_timeout: float = 0.0) -> str:
    """Switch back to the previous version; returns its name."""
    with index_lock(index_dir, lock_timeout):
        pointer = read_pointer(index_dir)
        if not pointer or not pointer.get("previous"):
            raise IndexMissingError(f"{index_dir} has no previous version to go back to")
        previous = str(pointer["previous"])
        if not (index_dir / VERSIONS / previous).is_dir():
            raise IndexMissingError(f"previous version {previous} is gone: {REBUILD_HINT}")
        load_index(index_dir, version=previous)  # refuse to switch to a damaged version
        write_pointer(index_dir, previous, str(pointer["current"]))
        return previous
