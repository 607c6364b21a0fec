"""A damaged index is refused on load with one line naming the fix, nothing in it is rewritten,
a running engine keeps answering from its last good version, and the named fix works."""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import build, run_cli
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.errors import IndexCorruptError, IndexError_, IndexMissingError
from mscqa.index.embedder import HashingEmbedder
from mscqa.index.load import load_index
from mscqa.index.status import index_status
from mscqa.index.store import POINTER, VERSIONS, current_version

QUESTION = "Did mesenchymal stem cell injections improve hip osteoarthritis scores?"


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under `root`, by relative path (the lock file is not content)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _edit_jsonl(path: Path, change: Callable[[list[str]], None]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    change(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _extra_passage_vector(folder: Path) -> None:
    import faiss

    vectors = faiss.read_index(str(folder / "passages.faiss"))
    vectors.add(np.ones((1, vectors.d), dtype=np.float32) / np.sqrt(vectors.d))
    faiss.write_index(vectors, str(folder / "passages.faiss"))


def _bm25_file(folder: Path, suffix: str) -> Path:
    matches = sorted((folder / "bm25").glob(f"*{suffix}"))
    assert matches, f"no bm25 file ending in {suffix}"
    return matches[0]


def _set_row(path: Path, row: int, key: str, value: object) -> None:
    def change(lines: list[str]) -> None:
        record = json.loads(lines[row])
        record[key] = value
        lines[row] = json.dumps(record)

    _edit_jsonl(path, change)


# Each damage changes one version folder (or the pointer) the way a disk, a bad copy or a
# hand edit would.
DAMAGES: dict[str, Callable[[Path, Path], None]] = {
    "truncated passage vectors": lambda f, i: _truncate(f / "passages.faiss"),
    "empty passage vectors": lambda f, i: (f / "passages.faiss").write_bytes(b""),
    "truncated sentence vectors": lambda f, i: _truncate(f / "sentences.npy", 0.9),
    "garbage sentence vectors": lambda f, i: (f / "sentences.npy").write_bytes(b"\x93NUMPY" * 9),
    "one vector more than passages": lambda f, i: _extra_passage_vector(f),
    "one passage fewer than vectors": lambda f, i: _edit_jsonl(f / "passages.jsonl", list.pop),
    "one sentence fewer than vectors": lambda f, i: _edit_jsonl(f / "sentences.jsonl", list.pop),
    "sentence vectors of another dimension": lambda f, i: np.save(
        f / "sentences.npy", np.zeros((3, 128), dtype=np.float32)
    ),
    "manifest says another dimension": lambda f, i: _edit_json(
        f / "manifest.json", lambda m: m.update(dim=128)
    ),
    "manifest is invalid JSON": lambda f, i: (f / "manifest.json").write_text('{"format_version'),
    "manifest is a list": lambda f, i: (f / "manifest.json").write_text("[1, 2]"),
    "manifest is missing": lambda f, i: (f / "manifest.json").unlink(),
    "manifest is not UTF-8": lambda f, i: (f / "manifest.json").write_bytes(b"{\xff\xfe}"),
    "format version from the future": lambda f, i: _edit_json(
        f / "manifest.json", lambda m: m.update(format_version=99)
    ),
    "format version missing": lambda f, i: _edit_json(
        f / "manifest.json", lambda m: m.pop("format_version")
    ),
    "manifest has an unknown field": lambda f, i: _edit_json(
        f / "manifest.json", lambda m: m.update(surprise=1)
    ),
    "manifest lacks a field": lambda f, i: _edit_json(f / "manifest.json", lambda m: m.pop("dim")),
    "pointer is invalid JSON": lambda f, i: (i / POINTER).write_text("{"),
    "pointer names no version": lambda f, i: (i / POINTER).write_text('{"previous": null}'),
    "pointer names a missing version": lambda f, i: (i / POINTER).write_text(
        '{"current": "19700101T000000-deadbeef", "previous": null}'
    ),
    "articles.jsonl is invalid JSON": lambda f, i: _edit_jsonl(
        f / "articles.jsonl", lambda lines: lines.__setitem__(1, lines[1][:40])
    ),
    "articles.jsonl is not UTF-8": lambda f, i: (f / "articles.jsonl").write_bytes(
        b'{"id": "\xff"}\n'
    ),
    "passages.jsonl is invalid JSON": lambda f, i: _edit_jsonl(
        f / "passages.jsonl", lambda lines: lines.append("{")
    ),
    "passage row with a wrong type": lambda f, i: _set_row(f / "passages.jsonl", 0, "start", "x"),
    "passage row of an unknown article": lambda f, i: _set_row(
        f / "passages.jsonl", 0, "article_id", "nope"
    ),
    "sentence row without its article": lambda f, i: _set_row(
        f / "sentences.jsonl", 0, "article_id", None
    ),
    "articles.jsonl lost an article": lambda f, i: _edit_jsonl(f / "articles.jsonl", list.pop),
    "passage vectors file missing": lambda f, i: (f / "passages.faiss").unlink(),
    "bm25 parameters invalid JSON": lambda f, i: _bm25_file(f, "params.index.json").write_text("{"),
    "bm25 vocabulary truncated": lambda f, i: _truncate(_bm25_file(f, "vocab.index.json")),
    "bm25 scores truncated": lambda f, i: _truncate(_bm25_file(f, "data.csc.index.npy")),
    "bm25 indices garbage": lambda f, i: _bm25_file(f, "indices.csc.index.npy").write_bytes(
        os.urandom(64)
    ),
    "bm25 pointer file missing": lambda f, i: _bm25_file(f, "indptr.csc.index.npy").unlink(),
    "version folder deleted": lambda f, i: __import__("shutil").rmtree(f),
}


@pytest.fixture
def built(fake_settings: Settings) -> Settings:
    build(fake_settings, HashingEmbedder())
    return fake_settings


def _version_dir(settings: Settings) -> Path:
    return settings.index_dir / VERSIONS / current_version(settings.index_dir)


def _assert_refused(settings: Settings) -> str:
    with pytest.raises(IndexError_) as caught:
        load_index(settings.index_dir, model_id="hashing-384")
    assert isinstance(caught.value, IndexCorruptError | IndexMissingError)
    message = str(caught.value)
    assert "\n" not in message and "mscqa index build" in message
    return message


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damage_is_refused_on_load_and_nothing_is_rewritten(built: Settings, damage: str) -> None:
    DAMAGES[damage](_version_dir(built), built.index_dir)
    before = tree_hashes(built.index_dir)

    _assert_refused(built)
    assert index_status(built.index_dir, None, "hashing-384").state == "corrupt"
    code, out, err = run_cli(built, "ask", QUESTION)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "mscqa index build" in err
    code, out, _ = run_cli(built, "index", "status")
    assert code == 1 and out.startswith("corrupt: ")

    assert tree_hashes(built.index_dir) == before


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_the_named_fix_restores_answers(built: Settings, damage: str) -> None:
    DAMAGES[damage](_version_dir(built), built.index_dir)
    code, _, err = run_cli(built, "index", "build")
    assert code == 0, err
    code, out, _ = run_cli(built, "index", "status")
    assert code == 0 and out.startswith("fresh: ")
    assert Engine(built, HashingEmbedder()).ask(QUESTION).answered


def _rehash_manifest(folder: Path) -> None:
    """Record the damaged files' hashes as if the writer itself had produced them."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in manifest["files"]
        if (folder / name).is_file()
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))


# Damage that leaves the manifest readable: also refused when the recorded hashes agree with
# the damaged files, so the structural checks hold on their own.
CONTENT_DAMAGES = [
    name
    for name in sorted(DAMAGES)
    if not name.startswith(("manifest", "pointer", "format", "version folder"))
    and "missing" not in name
]


@pytest.mark.parametrize("damage", CONTENT_DAMAGES)
def test_damage_is_refused_even_with_matching_hashes(built: Settings, damage: str) -> None:
    folder = _version_dir(built)
    DAMAGES[damage](folder, built.index_dir)
    _rehash_manifest(folder)
    _assert_refused(built)


@pytest.mark.parametrize(
    "damage",
    [
        "truncated passage vectors",
        "one passage fewer than vectors",
        "manifest is invalid JSON",
        "manifest is missing",
        "format version from the future",
        "sentence vectors of another dimension",
        "bm25 scores truncated",
        "pointer is invalid JSON",
        "pointer names a missing version",
        "version folder deleted",
    ],
)
def test_engine_keeps_serving_the_last_good_version(built: Settings, damage: str) -> None:
    settings = Settings(
        corpus_dir=built.corpus_dir,
        index_dir=built.index_dir,
        embedder="fake",
        reload_check_seconds=0.0,
    )
    engine = Engine(settings, HashingEmbedder())
    good = engine.ask(QUESTION)
    assert good.answered
    serving = engine.index.manifest.version

    build(settings, HashingEmbedder())  # a new version appears ...
    DAMAGES[damage](_version_dir(settings), settings.index_dir)  # ... and is damaged

    again = engine.ask(QUESTION)
    assert again.quotes == good.quotes
    assert engine.index.manifest.version == serving
    assert engine.reload_error is not None
    assert engine.reload_error.startswith(f"still serving version {serving}: ")
    assert "mscqa index build" in engine.reload_error

    build(settings, HashingEmbedder())  # the fix: a good build is picked up, the error cleared
    assert engine.ask(QUESTION).answered
    assert engine.index.manifest.version == current_version(settings.index_dir) != serving
    assert engine.reload_error is None


def _deny_reads_under(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What chmod 000 does for a normal user; root reads through it, so refuse reads here."""
    import faiss

    def blocked(path: Any) -> bool:
        try:
            return Path(os.fsdecode(path)).resolve().is_relative_to(folder.resolve())
        except (TypeError, ValueError):
            return False

    real_open = builtins.open
    real_read_index = faiss.read_index

    def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(file, int) and blocked(file):
            raise PermissionError(13, "Permission denied", os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    def read_index(path: Any, *args: Any) -> Any:
        if blocked(path):
            raise RuntimeError(f"could not open {path} for reading: Permission denied")
        return real_read_index(path, *args)

    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(io, "open", open_)
    monkeypatch.setattr(faiss, "read_index", read_index)


@pytest.mark.parametrize(
    "target", ["version folder", "passages.jsonl", "sentences.npy", "vectors file", "bm25 folder"]
)
def test_unreadable_files_are_refused_with_the_fix(
    built: Settings, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _version_dir(built)
    path = {
        "version folder": folder,
        "passages.jsonl": folder / "passages.jsonl",
        "sentences.npy": folder / "sentences.npy",
        "vectors file": folder / "passages.faiss",
        "bm25 folder": folder / "bm25",
    }[target]
    before = tree_hashes(built.index_dir)
    if os.geteuid() == 0:
        _deny_reads_under(path, monkeypatch)
        _assert_refused(built)
    else:
        mode = path.stat().st_mode
        path.chmod(0)
        try:
            _assert_refused(built)
        finally:
            path.chmod(mode)
    monkeypatch.undo()
    assert tree_hashes(built.index_dir) == before
    assert load_index(built.index_dir).manifest.version == folder.name


def test_denied_reads_are_really_denied(built: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulation used for root blocks what it claims to, and nothing else."""
    folder = _version_dir(built)
    _deny_reads_under(folder / "bm25", monkeypatch)
    with pytest.raises(PermissionError):
        (folder / "bm25" / "params.index.json").read_text()
    assert (folder / "manifest.json").read_text()
