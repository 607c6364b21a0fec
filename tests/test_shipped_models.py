"""Shipped model weights (every folder under src/mscqa/data/models/, and a tiny scorer made
here so that the checks run before any is committed): a damaged, missing or unreadable file is
refused with one line naming the fix, `git checkout -- <folder>`, and running exactly that
command in a repository restores the scorer. They cannot be made again at run time."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from mscqa.answers import scorer
from mscqa.answers.ranker import load_ranker
from mscqa.answers.scorer import (
    MANIFEST_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    ModelFileError,
    PairScorer,
)
from mscqa.config import Settings
from mscqa.engine import Engine

SHIPPED = sorted(p.parent for p in scorer.MODELS_DIR.glob(f"*/{MANIFEST_FILE}"))
TINY = "tiny-scorer"
PAIRS = [("Does the cell therapy help?", "The therapy reduced pain scores."), ("a", "b")]


def _write_tiny_scorer(folder: Path) -> None:
    """A pair scorer with the inputs and output of a real one: the mean of a per-word-piece
    weight, one logit per pair."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    folder.mkdir(parents=True)
    shutil.copy2(Settings().model_path / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    weights = np.random.default_rng(3).standard_normal((30522, 1)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["weights", "input_ids"], ["pieces"], axis=0),
            helper.make_node("ReduceMean", ["pieces", "axes"], ["logits"], keepdims=0),
        ],
        "tiny_scorer",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])],
        initializer=[
            numpy_helper.from_array(weights, "weights"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axes"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 9
    onnx.save(model, str(folder / MODEL_FILE))
    manifest = {
        "format": scorer.SCORER_FORMAT,
        "labels": ["score"],
        "max_length": 64,
        "files": {
            name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
            for name in (MODEL_FILE, TOKENIZER_FILE)
        },
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding copies of the shipped model folders (and the tiny one) where
    mscqa keeps them, with mscqa looking there and the shell in its root, as in a checkout."""
    models = tmp_path / "repo" / "src" / "mscqa" / "data" / "models"
    models.mkdir(parents=True)
    for folder in SHIPPED:
        shutil.copytree(folder, models / folder.name)
    _write_tiny_scorer(models / TINY)
    root = tmp_path / "repo"
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "."],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "models"],
    ):
        subprocess.run(command, cwd=root, check=True, capture_output=True)
    monkeypatch.setattr(scorer, "MODELS_DIR", models)
    monkeypatch.chdir(root)
    return models


def _scores(folder: Path) -> np.ndarray:
    """What the model of `folder` gives for PAIRS, loaded the way mscqa loads its kind (a pair
    scorer's logits, or a bi-encoder ranker's cosines), checksums checked first."""
    if scorer.read_manifest(folder).get("kind") is None:
        return PairScorer.load(folder).logits(PAIRS)
    ranker = load_ranker(folder)
    return np.array([ranker.score(question, [text])[0] for question, text in PAIRS])


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "model truncated": (lambda f: _truncate(f / MODEL_FILE), MODEL_FILE),
    "model one byte changed": (lambda f: _flip(f / MODEL_FILE), MODEL_FILE),
    "model missing": (lambda f: (f / MODEL_FILE).unlink(), MODEL_FILE),
    "model emptied": (lambda f: (f / MODEL_FILE).write_bytes(b""), MODEL_FILE),
    "tokenizer truncated": (lambda f: _truncate(f / TOKENIZER_FILE), TOKENIZER_FILE),
    "tokenizer missing": (lambda f: (f / TOKENIZER_FILE).unlink(), TOKENIZER_FILE),
    "manifest missing": (lambda f: (f / MANIFEST_FILE).unlink(), MANIFEST_FILE),
    "manifest invalid JSON": (lambda f: (f / MANIFEST_FILE).write_text("{"), MANIFEST_FILE),
    "folder deleted": (lambda f: shutil.rmtree(f), MANIFEST_FILE),
}
NAMES = [TINY, *(folder.name for folder in SHIPPED)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_shipped_model_is_refused_and_git_checkout_restores_it(
    repository: Path, name: str, damage: str
) -> None:
    folder = repository / name
    before = _scores(folder)
    change, damaged_file = DAMAGES[damage]
    change(folder)
    with pytest.raises(ModelFileError) as refused:
        _scores(folder)
    message = str(refused.value)
    assert "\n" not in message
    assert f"{name}/{damaged_file}" in message
    fix = re.search(r"`(git checkout -- [^`]+)`", message)
    assert fix is not None, message
    subprocess.run(fix.group(1).split(), check=True, capture_output=True)  # the fix, verbatim
    assert np.array_equal(_scores(folder), before)


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_model_loads_as_committed(repository: Path, name: str) -> None:
    scores = _scores(repository / name)
    assert scores.shape[0] == len(PAIRS) and np.isfinite(scores).all()


def test_a_running_engine_reports_a_damaged_shipped_model_at_reload(
    repository: Path, fake_settings: Settings
) -> None:
    """Answers go on with the models the process loaded; the damage, which a restart would
    meet, is reported with its fix until it is repaired."""
    from conftest import build
    from mscqa.index.embedder import HashingEmbedder

    settings = Settings(
        corpus_dir=fake_settings.corpus_dir,
        index_dir=fake_settings.index_dir,
        embedder="fake",
        reload_check_seconds=0.0,
    )
    build(settings, HashingEmbedder())
    engine = Engine(settings, HashingEmbedder())
    question = "Why does the hip joint heal so poorly once it breaks down?"
    first = engine.ask(question)
    _truncate(repository / TINY / MODEL_FILE)
    build(settings, HashingEmbedder())  # a new index version: the engine checks at the switch
    assert engine.ask(question).quotes == first.quotes
    assert engine.reload_error is not None and "\n" not in engine.reload_error
    assert f"{TINY}/{MODEL_FILE}" in engine.reload_error
    assert "git checkout -- " in engine.reload_error
    subprocess.run(["git", "checkout", "--", str(repository / TINY)], check=True)
    build(settings, HashingEmbedder())
    assert engine.ask(question).quotes == first.quotes
    assert engine.reload_error is None
