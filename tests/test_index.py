from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import build
from mscqa.config import Settings
from mscqa.corpus.checks import load_corpus
from mscqa.engine import Engine
from mscqa.errors import IndexCorruptError, IndexMismatchError, IndexMissingError, IndexWriteError
from mscqa.index.build import rollback
from mscqa.index.embedder import HashingEmbedder
from mscqa.index.load import Manifest, load_index
from mscqa.index.status import index_status
from mscqa.index.store import POINTER, VERSIONS, current_version


def _version_dir(settings: Settings) -> Path:
    return settings.index_dir / VERSIONS / current_version(settings.index_dir)


def test_build_writes_a_readable_manifest(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    folder = _version_dir(fake_settings)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert manifest["model_id"] == "hashing-384" and manifest["dim"] == 384
    assert len(manifest["articles"]) == 5
    assert manifest["passage_count"] > 5
    assert set(manifest["files"]) >= {"passages.faiss", "sentences.npy", "passages.jsonl"}
    assert not list(folder.rglob("*.pkl")) and not list(folder.rglob("*.pickle"))
    index = load_index(fake_settings.index_dir, model_id="hashing-384")
    assert index.passage_vectors.ntotal == manifest["passage_count"]
    for p in index.passages:
        assert index.articles[p.article_id].text[p.start : p.end] == p.text


def test_status_fresh_then_stale_names_articles(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    articles = load_corpus(fake_settings.corpus_dir)
    assert index_status(fake_settings.index_dir, articles, "hashing-384").state == "fresh"
    path = next(fake_settings.corpus_dir.glob("*chronic-pain*.md"))
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    (fake_settings.corpus_dir / "new.md").write_text(
        "---\nid: new-one\ntitle: New\nreference: R (2024).\n---\n\nA new article.\n"
    )
    status = index_status(
        fake_settings.index_dir, load_corpus(fake_settings.corpus_dir), "hashing-384"
    )
    assert status.state == "stale"
    assert status.added == ("new-one",)
    assert status.changed == ("treating-chronic-pain-with-mesenchymal-stem-cells",)
    assert "mscqa index update" in status.message


def test_missing_index_is_refused_with_the_fix(fake_settings: Settings) -> None:
    with pytest.raises(IndexMissingError, match="mscqa index build"):
        load_index(fake_settings.index_dir)
    assert index_status(fake_settings.index_dir, None, None).state == "missing"


def test_model_mismatch_is_refused(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    with pytest.raises(IndexMismatchError, match="mscqa index build"):
        load_index(fake_settings.index_dir, model_id="another-model@123")
    status = index_status(fake_settings.index_dir, None, "another-model@123")
    assert status.state == "model_mismatch"


@pytest.mark.parametrize(
    "damage",
    ["truncate_vectors", "bad_manifest_json", "wrong_format", "drop_passage", "missing_file"],
)
def test_damaged_index_is_refused(fake_settings: Settings, damage: str) -> None:
    build(fake_settings, HashingEmbedder())
    folder = _version_dir(fake_settings)
    if damage == "truncate_vectors":
        data = (folder / "passages.faiss").read_bytes()
        (folder / "passages.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "bad_manifest_json":
        (folder / "manifest.json").write_text("{not json")
    elif damage == "wrong_format":
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["format_version"] = 99
        (folder / "manifest.json").write_text(json.dumps(manifest))
    elif damage == "drop_passage":
        lines = (folder / "passages.jsonl").read_text().splitlines()
        (folder / "passages.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    elif damage == "missing_file":
        (folder / "sentences.npy").unlink()
    with pytest.raises(IndexCorruptError, match="mscqa index build"):
        load_index(fake_settings.index_dir)
    assert index_status(fake_settings.index_dir, None, None).state == "corrupt"


def test_failed_build_keeps_the_previous_index(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(fake_settings, HashingEmbedder())
    before = current_version(fake_settings.index_dir)
    import faiss

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(faiss, "write_index", disk_full)
    with pytest.raises(IndexWriteError, match="previous index is unchanged"):
        build(fake_settings, HashingEmbedder())
    assert current_version(fake_settings.index_dir) == before
    leftovers = [p for p in (fake_settings.index_dir / VERSIONS).iterdir() if p.name != before]
    assert leftovers == []
    assert Engine(fake_settings, HashingEmbedder()).ask("stem cells for hip pain").answered


def test_rebuild_switches_and_rollback_returns(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    first = current_version(fake_settings.index_dir)
    build(fake_settings, HashingEmbedder())
    second = current_version(fake_settings.index_dir)
    assert first != second
    assert json.loads((fake_settings.index_dir / POINTER).read_text())["previous"] == first
    assert rollback(fake_settings.index_dir) == first
    assert current_version(fake_settings.index_dir) == first
    build(fake_settings, HashingEmbedder())
    kept = {p.name for p in (fake_settings.index_dir / VERSIONS).iterdir()}
    assert len(kept) == 2  # the current and the one before it


def test_incremental_build_matches_full_build(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    path = next(fake_settings.corpus_dir.glob("*hip*.md"))
    path.write_text(path.read_text().replace("painful condition", "very painful condition"))
    report = build(fake_settings, HashingEmbedder(), incremental=True)
    incremental = load_index(fake_settings.index_dir)
    assert 0 < report.embedded_passages < report.total_passages  # type: ignore[attr-defined]
    build(fake_settings, HashingEmbedder())
    full = load_index(fake_settings.index_dir)
    assert [p.id for p in incremental.passages] == [p.id for p in full.passages]
    np.testing.assert_allclose(
        incremental.passage_vectors.reconstruct_n(0, full.passage_vectors.ntotal),
        full.passage_vectors.reconstruct_n(0, full.passage_vectors.ntotal),
        atol=1e-6,
    )
    np.testing.assert_allclose(incremental.sentence_vectors, full.sentence_vectors, atol=1e-6)


def test_a_sentence_pointing_back_is_embedded_again_when_the_one_before_changes(
    fake_settings: Settings,
) -> None:
    path = fake_settings.corpus_dir / "gout.md"
    said = "Gout drugs lower uric acid in the blood. These drugs can slow new attacks of gout."
    path.write_text(
        "---\nid: gout\ntitle: Gout\nreference: 'Okafor A. (2020). Gout. J Joints. 1:1.'\n"
        f"---\n\n{said}\n"
    )
    # The same words opening another article point back at nothing: embedded alone.
    (fake_settings.corpus_dir / "early-gout.md").write_text(
        path.read_text().replace("id: gout", "id: early-gout").replace(f"{said}", said[41:])
    )
    build(fake_settings, HashingEmbedder())
    before = load_index(fake_settings.index_dir)
    row = next(
        i
        for i, s in enumerate(before.sentences)
        if s.article_id == "gout" and s.text.startswith("These drugs")
    )
    alone = HashingEmbedder().encode(["These drugs can slow new attacks of gout."])[0]
    assert not np.allclose(before.sentence_vectors[row], alone)
    path.write_text(path.read_text().replace("lower uric acid", "cut uric acid"))
    build(fake_settings, HashingEmbedder(), incremental=True)
    incremental = load_index(fake_settings.index_dir)
    build(fake_settings, HashingEmbedder())
    full = load_index(fake_settings.index_dir)
    assert not np.allclose(incremental.sentence_vectors[row], before.sentence_vectors[row])
    np.testing.assert_allclose(incremental.sentence_vectors, full.sentence_vectors, atol=1e-6)


def test_manifest_round_trips(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    path = _version_dir(fake_settings) / "manifest.json"
    manifest = Manifest.from_json(path.read_text(), path)
    assert Manifest.from_json(manifest.to_json(), path) == manifest
