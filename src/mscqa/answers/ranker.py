"""The learned answer ranker: what it reads for a candidate sentence, and its scores.

Two kinds of model fine-tuned from all-MiniLM-L6-v2 can rank; each gives one score per candidate
sentence, how likely it answers the question, and neither ever writes text:

- a question-answer bi-encoder (`python -m mscqa.training.qa_encoder`, the shipped kind): the
  cosine of the question and the sentence alone, each embedded apart, so a sentence's vector
  is worked out once and kept;
- a cross-encoder (`python -m mscqa.training.ranker`), which reads the question with the
  sentence, its article's title and its neighbours together.

The manifest of the weights folder says which it is (`kind`).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from mscqa.config import DATA_DIR
from mscqa.text.terms import model_text

if TYPE_CHECKING:
    from mscqa.answers.scorer import PairScorer
    from mscqa.index.onnx_backend import OnnxEmbedder

RANKER_DIR = DATA_DIR / "models" / "ranker"
# Words kept of each part of a candidate: the sentence comes first so that truncation to the
# model's window (manifest `max_length`) cuts the context, never the sentence itself.
# Sized for 96 word pieces with the question: training cost grows with the length, and on two
# cores a longer window did not fit the one-hour training budget.
SENTENCE_WORDS = 50
TITLE_WORDS = 12
NEIGHBOUR_WORDS = 12


BI_ENCODER = "bi-encoder"


class SentenceScorer(Protocol):
    """Scores (question, candidate text) pairs: higher means more likely the answer.
    `context`: whether a candidate is read with its title and neighbours (`candidate_text`)
    or is the sentence alone."""

    context: bool

    def score(self, question: str, candidates: Sequence[str]) -> np.ndarray: ...


def _clip(text: str, limit: int) -> str:
    parts = text.split()
    return " ".join(parts[:limit]) + (" …" if len(parts) > limit else "")


def candidate_text(title: str, sentence: str, before: str = "", after: str = "") -> str:
    """What the ranker reads for one sentence: the sentence, the article's title, then the
    sentences around it (the subject of "These cells ..." is often in the one before)."""
    sentence, title, before, after = (model_text(t) for t in (sentence, title, before, after))
    context = " ".join(
        part for part in (_clip(before, NEIGHBOUR_WORDS), _clip(after, NEIGHBOUR_WORDS)) if part
    )
    text = f"{_clip(sentence, SENTENCE_WORDS)}\n{_clip(title, TITLE_WORDS)}"
    return f"{text}\n{context}" if context else text


_loaded: dict[Path, SentenceScorer] = {}
_lock = threading.Lock()


def shared_ranker(folder: Path = RANKER_DIR) -> SentenceScorer:
    """The ranker of `folder`, loaded once per process (checksums checked then): every engine
    of the process, and every index version it serves, shares its session and kept vectors."""
    key = folder.resolve()
    with _lock:
        if key not in _loaded:
            _loaded[key] = load_ranker(folder)
        return _loaded[key]


def vector_model(folder: Path = RANKER_DIR) -> str | None:
    """The `model_id` of the bi-encoder ranker in `folder`, whose sentence vectors an index
    stores; None for a cross-encoder, or a manifest that cannot be read (loading says why)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(manifest, dict) or manifest.get("kind") != BI_ENCODER:
        return None
    return str(manifest.get("model_id", "")) or None


def load_ranker(folder: Path = RANKER_DIR) -> SentenceScorer:
    """The ranker in `folder`, of the kind its manifest names, after checking every file
    against the manifest (`scorer.read_manifest`: a missing or damaged file is one line)."""
    from mscqa.answers.scorer import read_manifest

    manifest = read_manifest(folder)
    if manifest.get("kind") == BI_ENCODER:
        return BiEncoderRanker.from_folder(folder, manifest)
    from mscqa.answers.scorer import PairScorer

    return Ranker(PairScorer(folder, manifest))


class Ranker:
    """Cross-encoder weights, scored with onnxruntime (`PairScorer`), loaded once."""

    context = True

    def __init__(self, scorer: PairScorer) -> None:
        self.scorer = scorer
        self.manifest = scorer.manifest

    def score(self, question: str, candidates: Sequence[str]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        logits = self.scorer.logits([(question, text) for text in candidates])
        return np.asarray(logits[:, 0], dtype=np.float32)


# Sentence vectors kept by a bi-encoder ranker: 384 float32 each, so 20,000 are about 30 MB.
# A library larger than that embeds its least recently ranked sentences again when needed.
KEPT_SENTENCES = 20_000


class BiEncoderRanker:
    """The cosine of the question, embedded as retrieval embeds it (with the term table's
    expansions), and each candidate sentence under a fine-tuned bi-encoder (onnxruntime, mean
    pooling, as the packaged embedder). Sentence vectors are kept by text, so a sentence is
    embedded once per process whatever index version it comes from."""

    context = False

    def __init__(self, encoder: OnnxEmbedder, manifest: dict[str, Any]) -> None:
        self.encoder = encoder
        self.manifest = manifest
        # What an index's stored sentence vectors must have been made by to stand in for
        # this ranker's own (`index build`); "" for weights without a model id.
        self.vector_model = str(manifest.get("model_id", ""))
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_folder(cls, folder: Path, manifest: dict[str, Any]) -> BiEncoderRanker:
        """The ranker of a checked folder, its onnxruntime session made now: a file that passed
        its checksum but does not load is refused here, not at the first question."""
        from mscqa.answers.scorer import unloadable
        from mscqa.errors import IndexCorruptError
        from mscqa.index.onnx_backend import OnnxEmbedder

        model_id = str(manifest.get("model_id", folder.name))
        config: dict[str, Any] = {
            key: manifest[key] for key in ("dim", "max_seq_length") if key in manifest
        }
        try:
            encoder = OnnxEmbedder(folder, model_id, config={**config, "model_id": model_id})
            encoder.load()
        except (IndexCorruptError, KeyError, TypeError, ValueError) as exc:
            raise unloadable(folder, exc) from None
        return cls(encoder, manifest)

    def score(self, question: str, candidates: Sequence[str]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        asked = self._question_vector(question)
        return np.asarray(self.vectors(candidates) @ asked, dtype=np.float32)

    def score_vectors(self, question: str, vectors: np.ndarray) -> np.ndarray:
        """The score of each sentence whose vector (as `vectors` makes them) is a row."""
        if not len(vectors):
            return np.zeros(0, dtype=np.float32)
        return np.asarray(vectors @ self._question_vector(question), dtype=np.float32)

    def _question_vector(self, question: str) -> np.ndarray:
        from mscqa.search.retriever import query_for_embedding

        return self.encoder.encode([query_for_embedding(question)])[0]

    def embed_each(self, sentences: Sequence[str]) -> np.ndarray:
        """The vector of each sentence, each embedded alone (see `vectors`), none kept."""
        if not sentences:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self.encoder.encode([model_text(text)])[0] for text in sentences])

    def vectors(self, sentences: Sequence[str]) -> np.ndarray:
        """The vector of each sentence, embedding only those not kept yet, one at a time."""
        with self._lock:
            known = {text: self._kept[text] for text in sentences if text in self._kept}
        # Each sentence alone: int8 weights quantise activations over the whole batch, so a
        # sentence embedded beside others (or padded to their length) gets another vector,
        # and answers would depend on what was asked before.
        for text in dict.fromkeys(sentences):
            if text not in known:
                known[text] = self.embed_each([text])[0]
        with self._lock:
            for text in dict.fromkeys(sentences):
                self._kept[text] = known[text]
                self._kept.move_to_end(text)
            while len(self._kept) > KEPT_SENTENCES:
                self._kept.popitem(last=False)
        return np.stack([known[text] for text in sentences])
