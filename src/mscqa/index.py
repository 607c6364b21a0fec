"""The index folder: build, update, load and check it; versions switched in atomically.

Layout of `index/`:
    CURRENT.json            {"current": VERSION, "previous": VERSION | null}, replaced atomically
    versions/VERSION/       one complete, never-modified build (files listed in its manifest)
    versions/.tmp-*/        a build in progress; removed by the next build if left behind
    .lock                   held by the one process building or updating
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.corpus import Article, corpus_hash
from mscqa.embedder import Embedder
from mscqa.errors import (
    CorpusError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexWriteError,
)
from mscqa.passages import Passage, Sentence, embedding_text, make_passages, split_sentences
from mscqa.terms import lexical_tokens

FORMAT_VERSION = 1
POINTER = "CURRENT.json"
VERSIONS = "versions"
LOCK = ".lock"
_TMP_PREFIX = ".tmp-"

ARTICLES_FILE = "articles.jsonl"
PASSAGES_FILE = "passages.jsonl"
SENTENCES_FILE = "sentences.jsonl"
PASSAGE_VECTORS_FILE = "passages.faiss"
SENTENCE_VECTORS_FILE = "sentences.npy"
BM25_DIR = "bm25"

REBUILD_HINT = "run `mscqa index build`"


@dataclass(frozen=True)
class Manifest:
    """What a version folder holds and how it was made (index/versions/V/manifest.json)."""

    format_version: int
    version: str
    built_at: str
    model_id: str
    dim: int
    backend: str
    corpus_hash: str
    articles: dict[str, str]  # article id -> content hash
    passage_count: int
    sentence_count: int
    passage_max_words: int
    passage_overlap_sentences: int
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: Path) -> Manifest:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IndexCorruptError(
                f"{where} is not valid JSON ({exc.msg}): {REBUILD_HINT}"
            ) from None
        if not isinstance(raw, dict):
            raise IndexCorruptError(f"{where} is not a JSON object: {REBUILD_HINT}")
        if raw.get("format_version") != FORMAT_VERSION:
            raise IndexCorruptError(
                f"{where} has format version {raw.get('format_version')!r}, this mscqa reads "
                f"version {FORMAT_VERSION}: {REBUILD_HINT}"
            )
        try:
            return cls(**raw)
        except TypeError as exc:
            raise IndexCorruptError(
                f"{where} has unexpected fields ({exc}): {REBUILD_HINT}"
            ) from None


@dataclass
class LoadedIndex:
    """One version of the index in memory, ready to search."""

    path: Path
    manifest: Manifest
    articles: dict[str, Article]
    passages: list[Passage]
    sentences: list[Sentence]
    sentence_offset: dict[str, int]  # article id -> row of its first sentence
    passage_vectors: Any  # faiss.Index
    sentence_vectors: np.ndarray
    bm25: Any  # bm25s.BM25

    def passage_sentences(self, passage: Passage) -> list[tuple[int, Sentence]]:
        """(row, sentence) for each sentence of a passage; rows index `sentence_vectors`."""
        base = self.sentence_offset[passage.article_id]
        rows = range(base + passage.first_sentence, base + passage.last_sentence + 1)
        return [(row, self.sentences[row]) for row in rows]


@dataclass(frozen=True)
class IndexStatus:
    """fresh, stale, model_mismatch, corrupt or missing, with what differs."""

    state: str
    message: str
    manifest: Manifest | None = None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.state in ("fresh", "stale")


@dataclass(frozen=True)
class BuildReport:
    """What a build or update did."""

    version: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    embedded_passages: int
    total_passages: int
    seconds: float


# Building.


@dataclass(frozen=True)
class _Parts:
    articles: list[Article]
    passages: list[Passage]
    sentences: list[Sentence]


def _split(articles: Sequence[Article], max_words: int, overlap: int) -> _Parts:
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for article in sorted(articles, key=lambda a: a.id):
        article_sentences = split_sentences(article)
        if not article_sentences:
            raise CorpusError(f"article '{article.id}' has no sentences: add text to its body")
        sentences.extend(article_sentences)
        passages.extend(make_passages(article, article_sentences, max_words, overlap))
    return _Parts(sorted(articles, key=lambda a: a.id), passages, sentences)


def _embed(
    embedder: Embedder,
    texts: list[str],
    ids: list[str],
    reuse: dict[str, np.ndarray],
    progress: bool,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts`, taking those whose id is in `reuse` instead of encoding them."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    todo = [i for i, key in enumerate(ids) if key not in reuse]
    for i, key in enumerate(ids):
        if key in reuse:
            out[i] = reuse[key]
    if todo:
        out[todo] = embedder.encode([texts[i] for i in todo], progress=progress)
    return out, len(todo)


def _vector_lookup(index: LoadedIndex | None) -> dict[str, np.ndarray]:
    if index is None:
        return {}
    lookup: dict[str, np.ndarray] = {}
    vectors = index.passage_vectors.reconstruct_n(0, index.passage_vectors.ntotal)
    for passage, vector in zip(index.passages, vectors, strict=True):
        lookup["p:" + passage.id] = vector
    for sentence, vector in zip(index.sentences, index.sentence_vectors, strict=True):
        lookup["s:" + sentence.id] = vector
    return lookup


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
) -> BuildReport:
    """Build a new version from `articles` and switch to it atomically.

    With `incremental`, vectors of passages and sentences that the current version already
    holds (same id, so same text at the same place, and same model) are reused: the result is
    the same as a full build, at the cost of embedding only what changed.
    """
    started = time.perf_counter()
    with index_lock(index_dir, lock_timeout, on_wait):
        _remove_leftovers(index_dir)
        previous = None
        if incremental:
            with contextlib.suppress(IndexMissingError, IndexCorruptError, IndexMismatchError):
                previous = load_index(index_dir, model_id=embedder.model_id)
        old_articles = previous.manifest.articles if previous else _current_articles(index_dir)
        parts = _split(articles, max_words, overlap)
        reuse = _vector_lookup(previous)
        titles = {a.id: a.title for a in parts.articles}
        passage_vectors, embedded = _embed(
            embedder,
            [embedding_text(titles[p.article_id], p.text) for p in parts.passages],
            ["p:" + p.id for p in parts.passages],
            reuse,
            progress,
        )
        sentence_vectors, _ = _embed(
            embedder,
            [s.text for s in parts.sentences],
            ["s:" + s.id for s in parts.sentences],
            reuse,
            progress,
        )
        hashes = {a.id: a.content_hash for a in parts.articles}
        version = _new_version_name()
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
        )
        try:
            _write_version(index_dir, manifest, parts, passage_vectors, sentence_vectors)
        except OSError as exc:
            raise IndexWriteError(
                f"could not write the new index to {index_dir}/ ({exc.strerror or exc}); the "
                "previous index is unchanged: free disk space or fix permissions, then run "
                "`mscqa index build`"
            ) from None
        added, changed, removed = diff_articles(old_articles, hashes)
        return BuildReport(
            version=version,
            added=added,
            changed=changed,
            removed=removed,
            embedded_passages=embedded,
            total_passages=len(parts.passages),
            seconds=time.perf_counter() - started,
        )


def diff_articles(
    old: dict[str, str], new: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(added, changed, removed) article ids between two id -> content-hash maps."""
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = tuple(sorted(k for k in set(new) & set(old) if new[k] != old[k]))
    return added, changed, removed


def _current_articles(index_dir: Path) -> dict[str, str]:
    try:
        return read_manifest(index_dir).articles
    except (IndexMissingError, IndexCorruptError):
        return {}


def _new_version_name() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


def _write_version(
    index_dir: Path,
    manifest: Manifest,
    parts: _Parts,
    passage_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
) -> None:
    import bm25s
    import faiss

    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    tmp = versions / f"{_TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        _write_jsonl(
            tmp / ARTICLES_FILE,
            (
                {
                    "id": a.id,
                    "title": a.title,
                    "reference": a.reference,
                    "source": a.source,
                    "text": a.text,
                }
                for a in parts.articles
            ),
        )
        _write_jsonl(
            tmp / PASSAGES_FILE,
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
        _write_jsonl(
            tmp / SENTENCES_FILE,
            ({"article_id": s.article_id, "start": s.start, "end": s.end} for s in parts.sentences),
        )
        flat = faiss.IndexFlatIP(manifest.dim)
        if len(passage_vectors):
            flat.add(passage_vectors)
        try:
            faiss.write_index(flat, str(tmp / PASSAGE_VECTORS_FILE))
        except RuntimeError as exc:  # how faiss reports a failed write, e.g. a full disk
            raise OSError(errno.EIO, f"{PASSAGE_VECTORS_FILE} not written: {exc}") from None
        np.save(tmp / SENTENCE_VECTORS_FILE, sentence_vectors, allow_pickle=False)
        titles = {a.id: a.title for a in parts.articles}
        retriever = bm25s.BM25()
        retriever.index(
            [
                lexical_tokens(embedding_text(titles[p.article_id], p.text)) or ["_"]
                for p in parts.passages
            ],
            show_progress=False,
        )
        retriever.save(str(tmp / BM25_DIR), show_progress=False)
        files = {
            str(path.relative_to(tmp)): _sha256(path)
            for path in sorted(tmp.rglob("*"))
            if path.is_file()
        }
        final_manifest = Manifest(**{**asdict(manifest), "files": files})
        _write_text(tmp / "manifest.json", final_manifest.to_json())
        _fsync_tree(tmp)
        final = versions / manifest.version
        os.replace(tmp, final)
        _fsync_dir(versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _switch(index_dir, manifest.version)


def _switch(index_dir: Path, version: str) -> None:
    """Point CURRENT.json at `version`, keeping the old current as `previous`."""
    try:
        pointer = _read_pointer(index_dir)
    except IndexCorruptError:  # a damaged pointer must not stop the build that repairs it
        pointer = None
    previous = pointer.get("current") if pointer else None
    _write_text(index_dir / POINTER, json.dumps({"current": version, "previous": previous}) + "\n")
    _fsync_dir(index_dir)
    keep = {version, previous}
    for path in (index_dir / VERSIONS).iterdir():
        if path.is_dir() and path.name not in keep and not path.name.startswith(_TMP_PREFIX):
            shutil.rmtree(path, ignore_errors=True)


def rollback(index_dir: Path, lock_timeout: float = 0.0) -> str:
    """Switch back to the previous version; returns its name."""
    with index_lock(index_dir, lock_timeout):
        pointer = _read_pointer(index_dir)
        if not pointer or not pointer.get("previous"):
            raise IndexMissingError(f"{index_dir} has no previous version to go back to")
        previous = str(pointer["previous"])
        if not (index_dir / VERSIONS / previous).is_dir():
            raise IndexMissingError(f"previous version {previous} is gone: {REBUILD_HINT}")
        load_index(index_dir, version=previous)  # refuse to switch to a damaged version
        _write_text(
            index_dir / POINTER,
            json.dumps({"current": previous, "previous": pointer["current"]}) + "\n",
        )
        _fsync_dir(index_dir)
        return previous


def _remove_leftovers(index_dir: Path) -> None:
    versions = index_dir / VERSIONS
    if versions.is_dir():
        for path in versions.iterdir():
            if path.name.startswith(_TMP_PREFIX):
                shutil.rmtree(path, ignore_errors=True)
    for path in index_dir.glob(f"{POINTER}.*.tmp"):
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def index_lock(
    index_dir: Path, timeout: float = 0.0, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """One writer at a time: a second build waits up to `timeout` seconds, then fails clearly."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK))
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        if on_wait is not None:
            on_wait()
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise IndexBusyError(
                f"another build or update of {index_dir} is running: wait for it to finish, "
                "or pass --wait SECONDS"
            ) from None
    except OSError as exc:  # not a folder, read-only, no permission
        raise IndexWriteError(
            f"cannot write to the index folder {index_dir} ({exc.strerror}): fix its "
            "permissions, or pass --index DIR (MSCQA_INDEX_DIR) naming a writable folder"
        ) from None
    try:
        yield
    finally:
        lock.release()


# Files.


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so readers see the old or the new file."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_jsonl(path: Path, rows: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    for path in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Loading and checking.


def _read_pointer(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / POINTER
    if not path.is_file():
        return None
    try:
        pointer = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexCorruptError(f"{path} is not valid JSON: {REBUILD_HINT}") from None
    if not isinstance(pointer, dict) or not isinstance(pointer.get("current"), str):
        raise IndexCorruptError(f"{path} does not name a current version: {REBUILD_HINT}")
    return pointer


def current_version(index_dir: Path) -> str:
    """The name of the version CURRENT.json points at."""
    pointer = _read_pointer(index_dir)
    if pointer is None:
        raise IndexMissingError(f"no index in {index_dir}/: {REBUILD_HINT}")
    return str(pointer["current"])


def read_manifest(index_dir: Path, version: str | None = None) -> Manifest:
    version = version or current_version(index_dir)
    path = index_dir / VERSIONS / version / "manifest.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing: {REBUILD_HINT}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc}): {REBUILD_HINT}") from None
    return Manifest.from_json(text, path)


def check_model(manifest: Manifest, model_id: str) -> None:
    if manifest.model_id != model_id:
        raise IndexMismatchError(
            f"the index was built with model {manifest.model_id} but the configured model is "
            f"{model_id} (MSCQA_MODEL): run `mscqa index build` (or `mscqa index update`)"
        )


def load_index(
    index_dir: Path, *, model_id: str | None = None, version: str | None = None
) -> LoadedIndex:
    """Load a version (default: the current one), refusing one that is damaged or made with
    another model. Checks every file's size and count; `verify_index` also checks hashes."""
    import bm25s
    import faiss

    manifest = read_manifest(index_dir, version)
    if model_id is not None:
        check_model(manifest, model_id)
    folder = index_dir / VERSIONS / manifest.version
    for name in manifest.files:
        if not (folder / name).is_file():
            raise IndexCorruptError(f"{folder / name} is missing: {REBUILD_HINT}")
    try:
        articles = {
            row["id"]: Article(
                id=row["id"],
                title=row["title"],
                reference=row["reference"],
                text=row["text"],
                source=row["source"],
            )
            for row in _read_jsonl(folder / ARTICLES_FILE)
        }
        sentences = [
            Sentence(
                r["article_id"],
                r["start"],
                r["end"],
                articles[r["article_id"]].text[r["start"] : r["end"]],
            )
            for r in _read_jsonl(folder / SENTENCES_FILE)
        ]
        passages = []
        for r in _read_jsonl(folder / PASSAGES_FILE):
            text = articles[r["article_id"]].text[r["start"] : r["end"]]
            passages.append(
                Passage(
                    r["id"],
                    r["article_id"],
                    r["start"],
                    r["end"],
                    text,
                    r["first_sentence"],
                    r["last_sentence"],
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{folder} has damaged records ({exc!r}): {REBUILD_HINT}") from None
    try:
        vectors = faiss.read_index(str(folder / PASSAGE_VECTORS_FILE))
    except RuntimeError:
        raise IndexCorruptError(
            f"{folder / PASSAGE_VECTORS_FILE} cannot be read: {REBUILD_HINT}"
        ) from None
    try:
        sentence_vectors = np.load(
            folder / SENTENCE_VECTORS_FILE, allow_pickle=False, mmap_mode=None
        )
    except (ValueError, OSError, EOFError):
        raise IndexCorruptError(
            f"{folder / SENTENCE_VECTORS_FILE} cannot be read: {REBUILD_HINT}"
        ) from None
    problems = []
    if vectors.ntotal != len(passages) or len(passages) != manifest.passage_count:
        problems.append(
            f"{vectors.ntotal} passage vectors, {len(passages)} passages, "
            f"manifest says {manifest.passage_count}"
        )
    if (
        vectors.d != manifest.dim
        or sentence_vectors.ndim != 2
        or sentence_vectors.shape[1] != manifest.dim
    ):
        problems.append(f"vector dimension differs from the manifest's {manifest.dim}")
    if len(sentences) != manifest.sentence_count or sentence_vectors.shape[0] != len(sentences):
        problems.append(
            f"{sentence_vectors.shape[0]} sentence vectors for {len(sentences)} sentences"
        )
    if set(articles) != set(manifest.articles):
        problems.append("articles differ from the manifest")
    if problems:
        raise IndexCorruptError(f"{folder} is inconsistent ({'; '.join(problems)}): {REBUILD_HINT}")
    try:
        bm25 = bm25s.BM25.load(
            str(folder / BM25_DIR), load_corpus=False, show_progress=False, verbosity=0
        )
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(
            f"{folder / BM25_DIR} cannot be read ({exc}): {REBUILD_HINT}"
        ) from None
    offsets: dict[str, int] = {}
    for row, sentence in enumerate(sentences):
        offsets.setdefault(sentence.article_id, row)
    return LoadedIndex(
        path=folder,
        manifest=manifest,
        articles=articles,
        passages=passages,
        sentences=sentences,
        sentence_offset=offsets,
        passage_vectors=vectors,
        sentence_vectors=np.ascontiguousarray(sentence_vectors, dtype=np.float32),
        bm25=bm25,
    )


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror}): {REBUILD_HINT}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                raise IndexCorruptError(
                    f"{path}:{number} is not valid JSON: {REBUILD_HINT}"
                ) from None


def verify_files(index_dir: Path, manifest: Manifest) -> list[str]:
    """Names of files whose content no longer matches the manifest's sha256."""
    folder = index_dir / VERSIONS / manifest.version
    bad = []
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected:
            bad.append(name)
    return bad


def index_status(
    index_dir: Path,
    articles: Sequence[Article] | None,
    model_id: str | None,
    *,
    verify: bool = True,
) -> IndexStatus:
    """Compare the current version with the corpus and the configured model; with `verify`,
    also check every file against the sha256 in the manifest."""
    try:
        manifest = read_manifest(index_dir)
    except IndexMissingError as exc:
        return IndexStatus("missing", str(exc))
    except IndexCorruptError as exc:
        return IndexStatus("corrupt", str(exc))
    bad = verify_files(index_dir, manifest) if verify else []
    if bad:
        return IndexStatus(
            "corrupt",
            f"{', '.join(bad)} in version {manifest.version} changed since the build: "
            + REBUILD_HINT,
            manifest,
        )
    if verify:
        try:  # what the hashes cannot see: a manifest that disagrees with its own files
            load_index(index_dir, version=manifest.version)
        except IndexCorruptError as exc:
            return IndexStatus("corrupt", str(exc), manifest)
    if model_id is not None and manifest.model_id != model_id:
        return IndexStatus(
            "model_mismatch",
            f"built with model {manifest.model_id}, configured model is {model_id}: {REBUILD_HINT}",
            manifest,
        )
    if articles is not None:
        added, changed, removed = diff_articles(
            manifest.articles, {a.id: a.content_hash for a in articles}
        )
        if added or changed or removed:
            parts = [
                f"{label}: {', '.join(ids)}"
                for label, ids in (("added", added), ("changed", changed), ("removed", removed))
                if ids
            ]
            return IndexStatus(
                "stale",
                f"the corpus changed since the build ({'; '.join(parts)}): "
                "run `mscqa index update`",
                manifest,
                added,
                changed,
                removed,
            )
    return IndexStatus(
        "fresh",
        f"{manifest.passage_count} passages from {len(manifest.articles)} articles",
        manifest,
    )
