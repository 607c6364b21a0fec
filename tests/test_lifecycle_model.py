"""Index lifecycle with the real model: update equals a full build; a model change rebuilds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import build, seed_export
from mscqa.cli import main
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index.embedder import SentenceTransformerEmbedder
from mscqa.index.load import load_index
from test_lifecycle import _edit_corpus, answers, assert_same_index

pytestmark = pytest.mark.model


@pytest.fixture
def real_index(real_engine: Engine, tmp_path: Path) -> Path:
    """A copy of the session's real-model index of the shipped corpus (saves a full build)."""
    target = tmp_path / "index"
    shutil.copytree(real_engine.settings.index_dir, target)
    return target


def test_update_equals_a_full_build_with_the_real_model(
    corpus_dir: Path,
    tmp_path: Path,
    real_embedder: SentenceTransformerEmbedder,
    real_index: Path,
    real_export: Path,
) -> None:
    updated = Settings(corpus_dir=corpus_dir, index_dir=real_index, embedder="torch")
    full = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "full", embedder="torch")
    seed_export(real_export, full.index_dir)  # the same model's export: the build reuses it
    _edit_corpus(corpus_dir)
    report = build(updated, real_embedder, incremental=True)
    assert 0 < report.embedded_passages < report.total_passages  # type: ignore[attr-defined]
    build(full, real_embedder)
    assert_same_index(load_index(updated.index_dir), load_index(full.index_dir))
    by_update = answers(Engine(updated, real_embedder))
    assert by_update == answers(Engine(full, real_embedder))
    assert sum(answered for answered, _ in by_update) >= 4  # type: ignore[misc]


def _model_copy(source: Path, target: Path) -> Path:
    """The same weights under another configuration: a different model to mscqa."""
    target.mkdir()
    for path in source.iterdir():
        (target / path.name).symlink_to(path)
    (target / "config.json").unlink()
    config = json.loads((source / "config.json").read_text())
    (target / "config.json").write_text(json.dumps({**config, "mscqa_test_copy": True}))
    return target


def test_changing_mscqa_model_is_reported_and_update_rebuilds_everything(
    corpus_dir: Path,
    tmp_path: Path,
    real_embedder: SentenceTransformerEmbedder,
    real_index: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(corpus_dir=corpus_dir, index_dir=real_index, embedder="torch")
    other = _model_copy(real_embedder.model_dir, tmp_path / "other-model")
    monkeypatch.setenv("MSCQA_CORPUS_DIR", str(corpus_dir))
    monkeypatch.setenv("MSCQA_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("MSCQA_EMBEDDER", "torch")
    monkeypatch.setenv("MSCQA_MODEL", str(other))

    def cli(*args: str) -> tuple[int, dict[str, object]]:
        result = CliRunner().invoke(main, [*args, "--json"])
        return result.exit_code, json.loads(result.stdout)

    code, status = cli("index", "status")
    assert code == 1 and status["state"] == "model_mismatch"
    assert "mscqa index build" in str(status["message"])
    refused = CliRunner().invoke(main, ["ask", "Is stem cell therapy safe for ALS?"])
    assert refused.exit_code == 1 and "MSCQA_MODEL" in refused.stderr
    code, report = cli("index", "update")
    assert code == 0
    assert report["embedded_passages"] == report["total_passages"]
    assert (report["added"], report["changed"], report["removed"]) == ([], [], [])
    code, status = cli("index", "status")
    assert code == 0 and status["state"] == "fresh"
    assert status["model_id"] == SentenceTransformerEmbedder(other).model_id
    monkeypatch.delenv("MSCQA_MODEL")
    code, status = cli("index", "status")
    assert code == 1 and status["state"] == "model_mismatch"
