"""The cross-encoder machinery: training on a tiny made-up set, the ONNX export and its parity
with torch, and shipped model files checked before they are used."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from mscqa.answers.scorer import MANIFEST_FILE, MODEL_FILE, ModelFileError, PairScorer

pytestmark = pytest.mark.model

TINY = [
    ("What colour is the sky?", "The sky is blue on a clear day.", 1.0),
    ("What colour is the sky?", "Bread is made from flour and water.", 0.0),
    ("How many legs does a spider have?", "A spider has eight legs.", 1.0),
    ("How many legs does a spider have?", "Rivers flow towards the sea.", 0.0),
    ("Where do penguins live?", "Penguins live mostly in the southern hemisphere.", 1.0),
    ("Where do penguins live?", "A violin has four strings.", 0.0),
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    from mscqa.training.crossencoder import (
        PairExample,
        TrainSettings,
        export_scorer,
        train_cross_encoder,
    )

    examples = [PairExample(a, b, y) for a, b, y in TINY] * 4
    settings = TrainSettings(max_length=48, batch_size=8, epochs=1, learning_rate=5e-5)
    model = train_cross_encoder(examples, settings, progress=False)
    folder = export_scorer(
        model,
        tmp_path_factory.mktemp("scorer") / "tiny",
        labels=["answers"],
        quantize=False,
        extra={"settings": {"max_length": 48}},
    )
    return model, folder


def test_the_onnx_export_scores_as_the_torch_model(trained: tuple[object, Path]) -> None:
    from mscqa.training.crossencoder import torch_logits

    model, folder = trained
    pairs = [(a, b) for a, b, _ in TINY]
    onnx = PairScorer.load(folder).logits(pairs)
    assert onnx.shape == (len(pairs), 1)
    assert np.allclose(onnx, torch_logits(model, pairs), atol=1e-4)
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert manifest["labels"] == ["answers"] and manifest["max_length"] == 48


def test_int8_export_stays_close_and_smaller(trained: tuple[object, Path], tmp_path: Path) -> None:
    from mscqa.training.crossencoder import export_scorer

    model, folder = trained
    small = export_scorer(model, tmp_path / "int8", labels=["answers"], quantize=True)
    pairs = [(a, b) for a, b, _ in TINY]
    full = PairScorer.load(folder).logits(pairs)[:, 0]
    quantized = PairScorer.load(small).logits(pairs)[:, 0]
    assert (small / MODEL_FILE).stat().st_size < 0.4 * (folder / MODEL_FILE).stat().st_size
    # The ranking of the pairs survives quantisation.
    assert np.corrcoef(full, quantized)[0, 1] > 0.95


@pytest.mark.parametrize("damage", ["truncate", "delete", "manifest"])
def test_a_damaged_model_file_is_refused_with_one_line(
    trained: tuple[object, Path], tmp_path: Path, damage: str
) -> None:
    _, folder = trained
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    if damage == "truncate":
        data = (copy / MODEL_FILE).read_bytes()
        (copy / MODEL_FILE).write_bytes(data[: len(data) // 2])
    elif damage == "delete":
        (copy / MODEL_FILE).unlink()
    else:
        (copy / MANIFEST_FILE).write_text("{not json")
    with pytest.raises(ModelFileError) as error:
        PairScorer.load(copy)
    message = str(error.value)
    assert "\n" not in message
    assert ("model.onnx" if damage != "manifest" else "manifest.json") in message
    assert "make train" in message or "git checkout" in message
