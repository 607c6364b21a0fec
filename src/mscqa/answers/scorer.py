"""A fine-tuned cross-encoder shipped as ONNX: scores (text_a, text_b) pairs with onnxruntime and
tokenizers only. Its folder holds model.onnx, tokenizer.json and manifest.json, which records
how the model was made (base weights, data hashes, settings, figures) and the sha256 of every
file; a file that does not match is refused before onnxruntime reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.config import DATA_DIR
from mscqa.errors import MscqaError
from mscqa.index.store import sha256_file

MODELS_DIR = DATA_DIR / "models"
MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SCORER_FORMAT = 1


class ModelFileError(MscqaError):
    """A shipped model file is missing, damaged or of another format."""


def _restore_hint(folder: Path) -> str:
    if folder.resolve().is_relative_to(MODELS_DIR.resolve()):
        return f"restore it with `git checkout -- {_shown(folder)}` or reinstall mscqa"
    return f"restore the folder {_shown(folder)} or retrain it with `make train`"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def unloadable(folder: Path, exc: Exception) -> ModelFileError:
    """The error for a model whose files passed their checksums but that does not load."""
    return ModelFileError(
        f"model in {_shown(folder)} cannot be loaded ({type(exc).__name__}): "
        f"{_restore_hint(folder)}"
    )


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a scorer folder, checked against every file it lists."""
    path = folder / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise ModelFileError(
            f"model file {_shown(path)} is missing or unreadable: {_restore_hint(folder)}"
        ) from None
    except ValueError:
        raise ModelFileError(
            f"model file {_shown(path)} is not valid JSON: {_restore_hint(folder)}"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != SCORER_FORMAT:
        raise ModelFileError(
            f"{_shown(path)} is not a format {SCORER_FORMAT} scorer manifest: "
            f"{_restore_hint(folder)}"
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or MODEL_FILE not in files or TOKENIZER_FILE not in files:
        raise ModelFileError(f"{_shown(path)} lists no model files: {_restore_hint(folder)}")
    for name, expected in files.items():
        target = folder / name
        try:
            actual = sha256_file(target)
        except OSError:
            raise ModelFileError(
                f"model file {_shown(target)} is missing or unreadable: {_restore_hint(folder)}"
            ) from None
        if actual != expected:
            raise ModelFileError(
                f"model file {_shown(target)} is damaged (its checksum differs from "
                f"{MANIFEST_FILE}): {_restore_hint(folder)}"
            )
    return manifest


class PairScorer:
    """Logits of a sequence-classification cross-encoder for (text_a, text_b) pairs, the same
    as the torch model gives (tests/test_scorer.py measures the difference)."""

    def __init__(self, folder: Path, manifest: dict[str, Any], threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        self.folder = folder
        self.manifest = manifest
        self.labels: tuple[str, ...] = tuple(manifest.get("labels") or ("score",))
        self.max_length = int(manifest.get("max_length", 128))
        try:
            tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            session = onnxruntime.InferenceSession(
                str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # a file that passed its checksum but does not load
            raise unloadable(folder, exc) from None
        # As the transformers tokenizer the model was trained with: pairs truncated longest
        # first to `max_length`, padded per batch.
        tokenizer.enable_truncation(max_length=self.max_length, strategy="longest_first")
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._session = session
        self._inputs = [i.name for i in session.get_inputs()]

    @classmethod
    def load(cls, folder: Path, threads: int | None = None) -> PairScorer:
        """The scorer in `folder`, after checking every file against its manifest."""
        return cls(folder, read_manifest(folder), threads)

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """One row of logits per pair (shape: pairs x labels)."""
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not len(pairs):
            return out
        encodings = self._tokenizer.encode_batch([(a.strip(), b.strip()) for a, b in pairs])
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            types = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
                types[r, :n] = encodings[i].type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            (logits,) = self._session.run(None, {name: feeds[name] for name in self._inputs})
            out[rows] = np.asarray(logits, dtype=np.float32).reshape(len(rows), -1)
        return out
