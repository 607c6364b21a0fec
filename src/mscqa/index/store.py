"""The index folder on disk: one writer at a time, versions switched in atomically.

Layout of `index/`:
    CURRENT.json            {"current": VERSION, "previous": VERSION | null}, replaced atomically
    versions/VERSION/       one complete, never-modified version
    versions/.tmp-*/        a version being written, or an old one being deleted; removed by
                            the next writer if a killed process left it behind
    .lock                   held by the one process writing (released by the OS if it dies)

A reader only ever follows CURRENT.json, and CURRENT.json only ever names a version folder that
was complete and synced before the pointer was replaced, so a reader sees the old or the new
version, never a half-written one, whenever the writer is killed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mscqa.errors import IndexBusyError, IndexCorruptError, IndexMissingError, IndexWriteError

POINTER = "CURRENT.json"
VERSIONS = "versions"
LOCK = ".lock"
TMP_PREFIX = ".tmp-"

REBUILD_HINT = "run `mscqa index build`"


def _no_step(step: str) -> None:
    return None


# Called with a name at every step that writes or removes something, so that tests can stop the
# process (SIGKILL) at exactly that point; it does nothing otherwise.
on_step: Callable[[str], None] = _no_step


def step(name: str) -> None:
    on_step(name)


@contextlib.contextmanager
def index_lock(
    index_dir: Path, timeout: float = 0.0, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """One writer at a time: a second one waits up to `timeout` seconds, then fails clearly."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK))
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=0)
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        if on_wait is not None and timeout > 0:
            on_wait()
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise IndexBusyError(
                f"another build or update of {index_dir} is running: wait for it to finish, "
                "or pass --wait SECONDS"
            ) from None
    except OSError as exc:  # not a folder, read-only, no permission
        raise IndexWriteError(
            f"cannot write to the index folder {index_dir} ({exc.strerror}): fix its "
            "permissions, or pass --index DIR (MSCQA_INDEX_DIR) naming a writable folder"
        ) from None
    try:
        step("locked")
        yield
    finally:
        lock.release()


def new_version_name() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def writing_version(index_dir: Path, version: str) -> Iterator[Path]:
    """A temporary folder to write a version into; on success it is synced and renamed to
    versions/VERSION (not yet current: see `switch`). On any error it is removed."""
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    tmp = versions / f"{TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
        step("sync")
        fsync_tree(tmp)
        step("rename-version")
        os.replace(tmp, versions / version)
        fsync_dir(versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def switch(index_dir: Path, version: str) -> None:
    """Point CURRENT.json at `version`, keep the old current as `previous`, delete the rest."""
    try:
        pointer = read_pointer(index_dir)
    except IndexCorruptError:
        # A damaged pointer is what a rebuild repairs. Which version it named is unknown, so
        # none is deleted now; the next switch removes them.
        write_pointer(index_dir, version, None)
        return
    previous = pointer.get("current") if pointer else None
    write_pointer(index_dir, version, previous)
    remove_old_versions(index_dir, keep={version, previous})


def write_pointer(index_dir: Path, current: str, previous: str | None) -> None:
    step("write-pointer")
    write_text(index_dir / POINTER, json.dumps({"current": current, "previous": previous}) + "\n")
    fsync_dir(index_dir)
    step("pointer-switched")


def remove_old_versions(index_dir: Path, keep: set[str | None]) -> None:
    versions = index_dir / VERSIONS
    for path in sorted(versions.iterdir()):
        if path.is_dir() and path.name not in keep and not path.name.startswith(TMP_PREFIX):
            _remove_dir(path)


def _remove_dir(path: Path) -> None:
    # Renamed first so that a process killed halfway never leaves a half-deleted folder that
    # looks like a version.
    doomed = path.with_name(f"{TMP_PREFIX}old-{path.name}")
    step("remove-old")
    os.replace(path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)


def remove_leftovers(index_dir: Path) -> list[Path]:
    """Delete what a killed writer left behind (temporary folders and files); call under the
    lock. Returns what was removed."""
    removed = []
    versions = index_dir / VERSIONS
    if versions.is_dir():
        for path in versions.iterdir():
            if path.name.startswith(TMP_PREFIX):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    for path in index_dir.glob(f"{POINTER}.*.tmp"):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def leftovers(index_dir: Path) -> list[Path]:
    """Temporary folders and files present now (for status and tests)."""
    found = list(index_dir.glob(f"{POINTER}.*.tmp"))
    versions = index_dir / VERSIONS
    if versions.is_dir():
        found += [p for p in versions.iterdir() if p.name.startswith(TMP_PREFIX)]
    return sorted(found)


# Pointer.


def read_pointer(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / POINTER
    if not path.is_file():
        return None
    try:
        pointer = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexCorruptError(f"{path} is not valid JSON: {REBUILD_HINT}") from None
    if not isinstance(pointer, dict) or not isinstance(pointer.get("current"), str):
        raise IndexCorruptError(f"{path} does not name a current version: {REBUILD_HINT}")
    return pointer


def current_version(index_dir: Path) -> str:
    """The name of the version CURRENT.json points at."""
    pointer = read_pointer(index_dir)
    if pointer is None:
        raise IndexMissingError(f"no index in {index_dir}/: {REBUILD_HINT}")
    return str(pointer["current"])


# Files.


def assemble_folder(target: Path, fill: Callable[[Path], None]) -> Path:
    """Make the folder `target`: `fill` writes its files into a new folder beside it, which is
    then switched in whole, so a reader sees the old folder (or none) or the complete new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}.", dir=target.parent))
    try:
        fill(tmp)
        tmp.chmod(0o755)
        replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def replace_folder(tmp: Path, target: Path) -> None:
    """Switch the complete folder `tmp` in as `target`. os.replace cannot replace a non-empty
    folder, so a stale `target` is moved aside first and then deleted."""
    if target.exists():
        old = target.with_name(f".old-{target.name}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(tmp, target)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_text(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so readers see the old or the new file."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        step(f"replace:{path.name}")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_jsonl(path: Path, rows: Iterable[Any]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number, row in enumerate(rows):
            if number % 10 == 0:
                handle.flush()
                step(f"rows:{path.name}")
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror}): {REBUILD_HINT}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                raise IndexCorruptError(
                    f"{path}:{number} is not valid JSON: {REBUILD_HINT}"
                ) from None


def fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    for path in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        fsync_dir(path)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
