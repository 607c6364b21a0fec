"""A version of `index/` in memory: its manifest, records and vectors, loaded and checked
(the files are described in index/README.md)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.corpus.articles import Article
from mscqa.corpus.passages import Passage, Sentence
from mscqa.errors import IndexCorruptError, IndexMismatchError
from mscqa.index.saved_bm25 import SavedBM25
from mscqa.index.store import REBUILD_HINT, VERSIONS, current_version, read_jsonl, sha256_file

FORMAT_VERSION = 1

ARTICLES_FILE = "articles.jsonl"
PASSAGES_FILE = "passages.jsonl"
SENTENCES_FILE = "sentences.jsonl"
PASSAGE_VECTORS_FILE = "passages.faiss"
SENTENCE_VECTORS_FILE = "sentences.npy"
ANSWER_VECTORS_FILE = "answer_vectors.npy"
BM25_DIR = "bm25"
MANIFEST_FILE = "manifest.json"


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
    # What embeds questions for this version: "onnx" with its file relative to the index
    # folder (exported from the same model, so same model_id and vectors), or `backend`.
    query_backend: str = ""
    query_model_file: str | None = None
    # `status.text_fingerprint()` of the build: the sentences and BM25 tokens depend on it.
    lexical: str = ""
    # The answer ranker whose vectors of every sentence the version stores (its `model_id`),
    # or "" when it stores none (the ranker then embeds sentences as it meets them).
    answer_model: str = ""

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
    bm25: SavedBM25  # get_scores(tokens) as bm25s.BM25
    # The answer ranker's vector of each sentence (rows as `sentences`), made by the ranker
    # `answer_model` names; None when the version stores none.
    answer_vectors: np.ndarray | None = None

    @property
    def answer_model(self) -> str:
        return self.manifest.answer_model if self.answer_vectors is not None else ""

    def passage_sentences(self, passage: Passage) -> list[tuple[int, Sentence]]:
        """(row, sentence) for each sentence of a passage; rows index `sentence_vectors`."""
        base = self.sentence_offset[passage.article_id]
        rows = range(base + passage.first_sentence, base + passage.last_sentence + 1)
        return [(row, self.sentences[row]) for row in rows]


# Loading and checking.


def read_manifest(index_dir: Path, version: str | None = None) -> Manifest:
    version = version or current_version(index_dir)
    path = index_dir / VERSIONS / version / MANIFEST_FILE
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
    manifest = read_manifest(index_dir, version)
    if model_id is not None:
        check_model(manifest, model_id)
    folder = index_dir / VERSIONS / manifest.version
    for name in manifest.files:
        if not (folder / name).is_file():
            raise IndexCorruptError(f"{folder / name} is missing: {REBUILD_HINT}")
    articles, sentences, passages = _read_records(folder)
    vectors, sentence_vectors = _read_vectors(folder)
    problems = _count_problems(manifest, articles, sentences, passages, vectors, sentence_vectors)
    answer_vectors = _read_answer_vectors(folder, manifest)
    if answer_vectors is not None and answer_vectors.shape[0] != len(sentences):
        problems.append(f"{answer_vectors.shape[0]} answer vectors for {len(sentences)} sentences")
    if problems:
        raise IndexCorruptError(f"{folder} is inconsistent ({'; '.join(problems)}): {REBUILD_HINT}")
    try:
        bm25 = SavedBM25.load(folder / BM25_DIR)  # bm25s's files, without importing SciPy
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
        answer_vectors=answer_vectors,
    )


def _read_records(
    folder: Path,
) -> tuple[dict[str, Article], list[Sentence], list[Passage]]:
    """Articles, sentences and passages of a version; texts are slices of the articles."""
    try:
        articles = {
            row["id"]: Article(
                id=row["id"],
                title=row["title"],
                reference=row["reference"],
                text=row["text"],
                source=row["source"],
            )
            for row in read_jsonl(folder / ARTICLES_FILE)
        }
        sentences = [
            Sentence(
                r["article_id"],
                r["start"],
                r["end"],
                articles[r["article_id"]].text[r["start"] : r["end"]],
            )
            for r in read_jsonl(folder / SENTENCES_FILE)
        ]
        passages = []
        for r in read_jsonl(folder / PASSAGES_FILE):
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
    return articles, sentences, passages


def _read_vectors(folder: Path) -> tuple[Any, np.ndarray]:
    """The passage vectors (a FAISS index) and the sentence vectors of a version."""
    import faiss

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
    return vectors, sentence_vectors


def _read_answer_vectors(folder: Path, manifest: Manifest) -> np.ndarray | None:
    """The answer ranker's sentence vectors of a version that stores them, else None. Mapped,
    not read: a question reads a dozen rows, and a large library's table stays on disk."""
    if not manifest.answer_model:
        return None
    path = folder / ANSWER_VECTORS_FILE
    try:
        vectors = np.load(path, allow_pickle=False, mmap_mode="r")
    except (ValueError, OSError, EOFError):
        raise IndexCorruptError(f"{path} cannot be read: {REBUILD_HINT}") from None
    if vectors.ndim != 2 or vectors.dtype != np.float32:
        raise IndexCorruptError(f"{path} is not a table of vectors: {REBUILD_HINT}")
    return vectors


def _count_problems(
    manifest: Manifest,
    articles: dict[str, Article],
    sentences: list[Sentence],
    passages: list[Passage],
    vectors: Any,
    sentence_vectors: np.ndarray,
) -> list[str]:
    """Where the records and vectors disagree with each other or with the manifest."""
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
    return problems


def verify_files(index_dir: Path, manifest: Manifest) -> list[str]:
    """Names of files whose content no longer matches the manifest's sha256."""
    folder = index_dir / VERSIONS / manifest.version
    bad = []
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != expected:
            bad.append(name)
    return bad
