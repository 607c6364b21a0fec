"""Killed and concurrent builds: the last good index keeps serving, leftovers are cleaned up."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from mscqa.config import Settings
from mscqa.corpus.checks import load_corpus
from mscqa.engine import Engine
from mscqa.index import store
from mscqa.index.build import build_index
from mscqa.index.embedder import HashingEmbedder
from mscqa.index.load import load_index, verify_files
from mscqa.index.status import index_status
from mscqa.index.store import VERSIONS, current_version, index_lock, leftovers

QUESTION = "Is stem cell therapy safe for people with ALS?"
# Steps of a build that happen inside the temporary version folder.
WRITING = {"rows", "write-vectors", "write-sentence-vectors", "write-bm25", "write-manifest"}
WRITING |= {"replace", "sync", "rename-version"}  # a temporary folder or file exists there too


def _build(settings: Settings, incremental: bool) -> object:
    return build_index(
        settings.index_dir,
        load_corpus(settings.corpus_dir),
        HashingEmbedder(),
        max_words=settings.passage_max_words,
        overlap=settings.passage_overlap_sentences,
        incremental=incremental,
    )


def _edit(corpus_dir: Path, round_number: int) -> None:
    """Give every build real work: change one article, and add or retire another."""
    hip = next(corpus_dir.glob("*hip*.md"))
    hip.write_text(
        hip.read_text(encoding="utf-8") + f"\nEditor's note number {round_number}.\n",
        encoding="utf-8",
    )
    extra = corpus_dir / "extra.md"
    if round_number % 2:
        extra.write_text(
            f"---\nid: extra\ntitle: Extra {round_number}\nreference: R ({round_number}).\n"
            "---\n\nStem cells were studied in a small extra trial.\n",
            encoding="utf-8",
        )
    else:
        extra.unlink(missing_ok=True)


def _record_steps(settings: Settings, incremental: bool, monkeypatch: pytest.MonkeyPatch) -> list:
    seen: list[str] = []
    monkeypatch.setattr(store, "on_step", seen.append)
    _build(settings, incremental)
    monkeypatch.setattr(store, "on_step", store._no_step)
    return seen


def _kill_points(steps: list[str]) -> list[tuple[str, int]]:
    """Every step of the recorded sequence, with at most three points inside each file."""
    points, counts = [], Counter[str]()
    for name in steps:
        counts[name] += 1
        if name.startswith("rows:") and counts[name] > 3:
            continue
        points.append((name, counts[name]))
    return points


def _killer(target: tuple[str, int]) -> Callable[[str], None]:
    counts = Counter[str]()

    def on_step(name: str) -> None:
        counts[name] += 1
        if (name, counts[name]) == target:
            os.kill(os.getpid(), signal.SIGKILL)

    return on_step


def _killed_build(settings: Settings, incremental: bool, target: tuple[str, int]) -> None:
    """Run a build in a child process that SIGKILLs itself at `target`."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            store.on_step = _killer(target)
            _build(settings, incremental)
        finally:
            os._exit(3)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"build stuck at {target}")
        time.sleep(0.01)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, target


def _assert_serving_a_complete_index(settings: Settings) -> None:
    index = load_index(settings.index_dir, model_id=HashingEmbedder().model_id)
    assert verify_files(settings.index_dir, index.manifest) == []
    state = index_status(settings.index_dir, load_corpus(settings.corpus_dir), "hashing-384")
    assert state.usable, state.message
    answer = Engine(settings, HashingEmbedder()).ask(QUESTION)
    assert answer.answered
    for quote in answer.quotes:
        assert index.articles[quote.article_id].text[quote.start : quote.end] == quote.quote


def _assert_next_build_cleans_up(settings: Settings) -> None:
    left = {path.name for path in leftovers(settings.index_dir)}
    report = _build(settings, incremental=True)
    assert set(report.cleaned_up) == left  # type: ignore[attr-defined]
    assert leftovers(settings.index_dir) == []
    kept = sorted(p.name for p in (settings.index_dir / VERSIONS).iterdir())
    assert len(kept) == 2 and current_version(settings.index_dir) in kept
    state = index_status(settings.index_dir, load_corpus(settings.corpus_dir), "hashing-384")
    assert state.state == "fresh"


def test_sigkill_at_every_write_step_leaves_the_last_good_index_serving(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = fake_settings
    _build(settings, incremental=False)
    _build(settings, incremental=False)  # two versions: every build also deletes an old one
    tried = 0
    left_behind = 0
    for incremental in (False, True):
        _edit(settings.corpus_dir, tried)
        steps = _record_steps(settings, incremental, monkeypatch)
        assert "pointer-switched" in steps and "remove-old" in steps
        switched_at = steps.index("pointer-switched")
        for target in _kill_points(steps):
            tried += 1
            _edit(settings.corpus_dir, tried)
            before = current_version(settings.index_dir)
            _killed_build(settings, incremental, target)
            position = [i for i, s in enumerate(steps) if s == target[0]][target[1] - 1]
            switched = current_version(settings.index_dir) != before
            assert switched == (position >= switched_at), target
            if target[0].split(":")[0] in WRITING:
                assert leftovers(settings.index_dir), target  # the half-written folder
                left_behind += 1
            _assert_serving_a_complete_index(settings)
            _assert_next_build_cleans_up(settings)
    print(f"{tried} kill points, {left_behind} of them with a half-written version left behind")
    assert tried >= 40 and left_behind >= 20


def test_sigkill_of_cli_builds_at_spread_moments(fake_env: Settings) -> None:
    """Kills real `python -m mscqa index build|update` processes at moments spread over the
    time such a process takes, measured here."""
    settings = fake_env
    env = {**os.environ, "MSCQA_EMBEDDER": "fake"}

    def start(command: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "mscqa", "index", command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    started = time.monotonic()
    assert start("build").wait(60) == 0
    duration = time.monotonic() - started
    rng = random.Random(6)
    kills = 8
    for number in range(kills):
        _edit(settings.corpus_dir, 100 + number)
        # The first part of a run is mostly imports: put most kills in the later part.
        delay = duration * (0.3 + 0.75 * (number + rng.random()) / kills)
        process = start("update" if number % 2 else "build")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        _assert_serving_a_complete_index(settings)
        _assert_next_build_cleans_up(settings)


# One writer at a time.


def test_a_second_build_fails_clearly_or_waits(fake_env: Settings) -> None:
    settings = fake_env
    _build(settings, incremental=False)
    before = current_version(settings.index_dir)
    env = {**os.environ, "MSCQA_EMBEDDER": "fake"}
    command = [sys.executable, "-m", "mscqa", "index", "update"]
    with index_lock(settings.index_dir):
        refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1
        assert refused.stderr.strip().count("\n") == 0
        assert "another build or update" in refused.stderr and "--wait SECONDS" in refused.stderr
        assert current_version(settings.index_dir) == before

        waiting = subprocess.Popen(
            [*command, "--wait", "60"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert waiting.stderr is not None
        message = waiting.stderr.readline().decode()
        assert "is running: waiting up to 60s" in message
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting for the lock held here
        assert current_version(settings.index_dir) == before
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert current_version(settings.index_dir) != before


def test_two_concurrent_builds_both_finish_one_after_the_other(fake_env: Settings) -> None:
    settings = fake_env
    env = {**os.environ, "MSCQA_EMBEDDER": "fake"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "mscqa", "index", command, "--wait", "60", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for command in ("build", "update")
    ]
    for process in processes:
        process.wait(90)
        assert process.returncode == 0
    versions = sorted(p.name for p in (settings.index_dir / VERSIONS).iterdir())
    assert len(versions) == 2 and leftovers(settings.index_dir) == []
    _assert_serving_a_complete_index(settings)
