"""The ONNX export in the index folder: made by the build, recorded in the manifest, chosen for
questions with MSCQA_EMBEDDER=auto, and giving the same vectors and answers as torch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import build
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index import onnx_backend
from mscqa.index.embedder import (
    HashingEmbedder,
    SentenceTransformerEmbedder,
    create_embedder,
    model_fingerprint,
)
from mscqa.index.load import read_manifest
from mscqa.index.onnx_backend import CONFIG_FILE, OnnxEmbedder, export_dir, find_export
from tiny_onnx import write_tiny_graph

# Written for these tests: short and long, plain and odd characters, on and off topic.
SENTENCES = [
    "stem cells",
    "Can an injection into the hip joint postpone surgery?",
    "What did the 2021 cohort study conclude about fatigue in lupus?",
    "The dose was 1.5 × 10⁶ cells/kg ± 0.3, given twice, 12 weeks apart.",
    "Naïve T cells, café-au-lait spots and the Guillain–Barré syndrome",
    "¿Las células madre curan la esclerosis lateral amiotrófica?",
    "幹細胞は痛みを和らげますか？",
    "Pain lasting longer than three months is called chronic.\nA second line\tafter a tab.",
    "?",
    " ".join(f"token{i}" for i in range(400)),  # past the 256-token window: truncated alike
]

QUESTIONS = [
    ("Which medicine slows ALS, apart from riluzole?", "ALS"),
    ("Could an injection delay hip replacement surgery?", "Hip"),
    ("How do stem cells affect an overactive immune system?", "Immune"),
    ("Did patients with MS get worse after the cell therapy?", "Multiple Sclerosis"),
    ("When does pain count as chronic?", "Chronic Pain"),
    ("Is it safe to inject cells into the spinal canal?", "ALS"),
]


def test_fake_build_records_its_backend_and_no_export(fake_engine: Engine) -> None:
    manifest = read_manifest(fake_engine.settings.index_dir)
    assert (manifest.backend, manifest.query_backend, manifest.query_model_file) == (
        "hashing",
        "hashing",
        None,
    )
    assert not (fake_engine.settings.index_dir / "onnx").exists()


def test_auto_falls_back_to_sentence_transformers_without_an_export(tmp_path: Path) -> None:
    model_dir = Settings().model_path
    embedder = create_embedder("auto", model_dir, tmp_path / "index")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == model_fingerprint(model_dir)


def test_an_incomplete_or_foreign_export_is_never_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in the index folder, it is exported again (here as a tiny graph: no torch)."""
    monkeypatch.setattr(onnx_backend, "write_onnx_graph", write_tiny_graph)
    model_dir = Settings().model_path
    model_id = model_fingerprint(model_dir)
    folder = export_dir(tmp_path, model_id)
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"half written")
    assert find_export(tmp_path, model_id) is None  # no export.json: never finished
    (folder / CONFIG_FILE).write_text(json.dumps({"format": 2, "model_id": "other@123"}))
    (folder / "tokenizer.json").write_text("{}")
    assert find_export(tmp_path, model_id) is None
    assert isinstance(create_embedder("torch", model_dir, tmp_path), SentenceTransformerEmbedder)
    assert isinstance(create_embedder("fake", None, tmp_path), HashingEmbedder)
    remade = create_embedder("auto", model_dir, tmp_path)
    assert isinstance(remade, OnnxEmbedder) and remade.folder == folder
    assert find_export(tmp_path, model_id) == folder
    assert remade.encode(["stem cells"]).shape == (1, remade.dim)


@pytest.fixture(scope="module")
def onnx_engine(real_engine: Engine) -> Engine:
    """The session's real index (built with sentence-transformers), answered through ONNX."""
    settings = Settings(
        corpus_dir=real_engine.settings.corpus_dir,
        index_dir=real_engine.settings.index_dir,
        embedder="auto",
    )
    return Engine(settings)


@pytest.mark.model
def test_build_exports_the_model_and_records_it(real_engine: Engine, onnx_engine: Engine) -> None:
    index_dir = real_engine.settings.index_dir
    manifest = read_manifest(index_dir)
    assert manifest.backend == "sentence-transformers"
    assert manifest.query_backend == "onnx"
    assert manifest.query_model_file is not None
    assert (index_dir / manifest.query_model_file).is_file()
    assert isinstance(onnx_engine.embedder, OnnxEmbedder)
    # Same fingerprint as the source model, so model mismatch checks still hold.
    assert onnx_engine.embedder.model_id == real_engine.embedder.model_id == manifest.model_id


@pytest.mark.model
def test_onnx_vectors_equal_sentence_transformers(real_engine: Engine, onnx_engine: Engine) -> None:
    reference = real_engine.embedder.encode(SENTENCES)
    vectors = onnx_engine.embedder.encode(SENTENCES)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= 0.99
    # Batching and padding do not change a vector.
    alone = np.vstack([onnx_engine.embedder.encode([s]) for s in SENTENCES[:4]])
    assert np.allclose(alone, vectors[:4], atol=1e-5)
    assert onnx_engine.embedder.encode([]).shape == (0, 384)


@pytest.mark.model
@pytest.mark.parametrize(("question", "title_part"), QUESTIONS)
def test_both_backends_answer_from_the_same_article(
    real_engine: Engine, onnx_engine: Engine, question: str, title_part: str
) -> None:
    torch_answer = real_engine.ask(question)
    onnx_answer = onnx_engine.ask(question)
    assert onnx_answer.answered
    assert torch_answer.answered
    assert onnx_answer.quotes[0].article_id == torch_answer.quotes[0].article_id
    assert title_part in onnx_answer.quotes[0].title
    assert [q.start for q in onnx_answer.quotes] == [q.start for q in torch_answer.quotes]


@pytest.mark.model
def test_a_second_build_reuses_the_export(real_engine: Engine, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    source = real_engine.settings.index_dir / "onnx"
    shutil.copytree(source, index_dir / "onnx")
    before = {p.name: p.stat().st_mtime_ns for p in (index_dir / "onnx").rglob("*")}
    settings = Settings(corpus_dir=real_engine.settings.corpus_dir, index_dir=index_dir)
    build(settings, real_engine.embedder)
    after = {p.name: p.stat().st_mtime_ns for p in (index_dir / "onnx").rglob("*")}
    assert before == after
    assert read_manifest(index_dir).query_backend == "onnx"


@pytest.mark.model
def test_a_build_with_the_export_gives_the_same_answers(
    real_engine: Engine, onnx_engine: Engine, tmp_path: Path
) -> None:
    settings = Settings(corpus_dir=real_engine.settings.corpus_dir, index_dir=tmp_path / "index")
    build(settings, onnx_engine.embedder)
    manifest = read_manifest(settings.index_dir)
    assert (manifest.backend, manifest.query_backend) == ("onnx", "onnx")
    assert manifest.query_model_file is not None
    assert (settings.index_dir / manifest.query_model_file).is_file()  # its own copy
    rebuilt = Engine(settings)
    assert isinstance(rebuilt.embedder, OnnxEmbedder)
    for question, _ in QUESTIONS:
        assert rebuilt.ask(question).to_dict() == onnx_engine.ask(question).to_dict()
