"""A full disk at any write step of `index build` or `update` leaves the previous index intact
and answering, fails with one line naming the fix, and leaves nothing behind once the next build
runs, even when the failing process had no chance to clean up (killed)."""

from __future__ import annotations

import builtins
import errno
import io
import os
import pathlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import build
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.errors import IndexBusyError, IndexWriteError
from mscqa.index.embedder import HashingEmbedder
from mscqa.index.store import POINTER, VERSIONS, current_version, index_lock
from test_damage import QUESTION, tree_hashes


def _disk_full(name: str) -> OSError:
    return OSError(errno.ENOSPC, "No space left on device", name)


class _FillsUp:
    """A file that accepts half of the first write, then reports a full disk."""

    def __init__(self, handle: Any, name: str) -> None:
        self._handle = handle
        self._name = name

    def write(self, data: Any) -> int:
        self._handle.write(data[: max(1, len(data) // 2)])
        self._handle.flush()
        raise _disk_full(self._name)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._handle.flush()

    def fileno(self) -> int:
        return int(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

    @property
    def closed(self) -> bool:
        return bool(self._handle.closed)

    def __enter__(self) -> _FillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fail_writes(monkeypatch: pytest.MonkeyPatch, match: Callable[[Path], bool]) -> None:
    real_open = builtins.open

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        if isinstance(file, int) or not any(m in mode for m in "wax+"):
            return handle
        path = Path(os.fsdecode(file))
        return _FillsUp(handle, str(path)) if match(path) else handle

    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(io, "open", open_)


def _named(prefix: str) -> Callable[[Path], bool]:
    return lambda path: path.name.startswith(prefix)


def _fail_faiss_write(monkeypatch: pytest.MonkeyPatch) -> None:
    import faiss

    def write_index(index: Any, name: str) -> None:
        Path(name).write_bytes(b"IxFl" + b"\0" * 16)  # the start of a file, then the disk is full
        raise RuntimeError(f"Error: 'ret == (1)' failed: write error on {name}")

    monkeypatch.setattr(faiss, "write_index", write_index)


def _fail_nth_call(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, when: Callable[..., bool]
) -> None:
    real = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            raise OSError(errno.EIO, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)


def _fsync_fails_after(count: int) -> Callable[..., bool]:
    calls = {"n": 0}

    def when(*args: Any) -> bool:
        calls["n"] += 1
        return calls["n"] > count

    return when


# Every step of writing a version, in the order the writer takes them.
STEPS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "articles.jsonl": lambda mp: _fail_writes(mp, _named("articles.jsonl")),
    "passages.jsonl": lambda mp: _fail_writes(mp, _named("passages.jsonl")),
    "sentences.jsonl": lambda mp: _fail_writes(mp, _named("sentences.jsonl")),
    "passages.faiss": _fail_faiss_write,
    "sentences.npy": lambda mp: _fail_writes(mp, _named("sentences.npy")),
    "bm25 files": lambda mp: _fail_writes(mp, lambda p: p.parent.name == "bm25"),
    "manifest.json": lambda mp: _fail_writes(mp, _named("manifest.json")),
    "fsync of the version": lambda mp: _fail_nth_call(mp, os, "fsync", _fsync_fails_after(3)),
    "rename of the version": lambda mp: _fail_nth_call(
        mp, os, "replace", lambda src, dst: Path(src).name.startswith(".tmp-")
    ),
    "CURRENT.json": lambda mp: _fail_writes(mp, _named(POINTER)),
    "rename of CURRENT.json": lambda mp: _fail_nth_call(
        mp, os, "replace", lambda src, dst: Path(dst).name == POINTER
    ),
}


def _no_cleanup(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the process were killed at the fault: nothing it wrote is removed."""
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)
    monkeypatch.setattr(pathlib.Path, "unlink", lambda *a, **k: None)


def _leftovers(index_dir: Path, keep: set[str]) -> list[str]:
    found = [p.name for p in (index_dir / VERSIONS).iterdir() if p.name not in keep]
    found += [p.name for p in index_dir.iterdir() if p.name.endswith(".tmp")]
    return sorted(found)


@pytest.mark.parametrize("killed", [False, True], ids=["fails", "killed"])
@pytest.mark.parametrize("mode", ["build", "update"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_failed_write_keeps_the_previous_index(
    fake_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    mode: str,
    killed: bool,
) -> None:
    build(fake_settings, HashingEmbedder())
    build(fake_settings, HashingEmbedder())  # a current and a previous version, as in use
    index_dir = fake_settings.index_dir
    serving = current_version(index_dir)
    before = tree_hashes(index_dir)
    expected = Engine(fake_settings, HashingEmbedder()).ask(QUESTION)
    assert expected.answered
    if mode == "update":
        path = next(fake_settings.corpus_dir.glob("*hip*.md"))
        path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added.\n", "utf-8")

    STEPS[step](monkeypatch)
    if killed:
        _no_cleanup(monkeypatch)
    with pytest.raises(IndexWriteError) as caught:
        build(fake_settings, HashingEmbedder(), incremental=mode == "update")
    monkeypatch.undo()

    message = str(caught.value)
    assert "\n" not in message
    assert "previous index is unchanged" in message and "mscqa index build" in message
    assert current_version(index_dir) == serving
    assert {k: v for k, v in tree_hashes(index_dir).items() if k in before} == before
    assert Engine(fake_settings, HashingEmbedder()).ask(QUESTION).quotes == expected.quotes
    if not killed:
        # Cleaned up at once; only a complete version that never became current may remain.
        assert not [name for name in _leftovers(index_dir, set()) if "tmp" in name]

    report = build(fake_settings, HashingEmbedder(), incremental=mode == "update")
    now = current_version(index_dir)
    assert now == report.version != serving  # type: ignore[attr-defined]
    assert _leftovers(index_dir, {now, serving}) == []
    assert Engine(fake_settings, HashingEmbedder()).ask(QUESTION).answered


def test_an_index_folder_that_cannot_be_written_is_named(fake_settings: Settings) -> None:
    fake_settings.index_dir.write_text("not a folder")
    with pytest.raises(IndexWriteError, match="pass --index DIR") as caught:
        build(fake_settings, HashingEmbedder())
    assert str(fake_settings.index_dir) in str(caught.value)
    assert fake_settings.index_dir.read_text() == "not a folder"


def test_a_lock_that_cannot_be_created_is_a_write_error(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def read_only(path: Any, *args: Any, **kwargs: Any) -> int:
        if os.fsdecode(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(IndexWriteError, match="Permission denied"):
        build(fake_settings, HashingEmbedder())


def test_a_busy_lock_is_still_reported_as_busy(fake_settings: Settings) -> None:
    with index_lock(fake_settings.index_dir), pytest.raises(IndexBusyError, match="--wait"):
        build(fake_settings, HashingEmbedder())
