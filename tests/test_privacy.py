"""What patients type stays in the request: a served chat writes no question or statement text to
its output or to any file, in any folder it was given (index, var/, home, caches, temp)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import build
from mscqa.config import Settings
from mscqa.index.embedder import HashingEmbedder

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    def __init__(self, process: subprocess.Popen[bytes], url: str, root: Path, log: Path) -> None:
        self.process = process
        self.url = url
        self.root = root
        self.log = log


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"server did not start in {seconds:.0f}s: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def served(fake_settings: Settings, tmp_path: Path) -> Iterator[Served]:
    build(fake_settings, HashingEmbedder())
    folders = {
        name: tmp_path / name for name in ("home", "cache", "config", "data", "tmp", "work", "hf")
    }
    for folder in folders.values():
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MSCQA_", "GRADIO_"))}
    env.update(
        MSCQA_EMBEDDER="fake",
        MSCQA_CORPUS_DIR=str(fake_settings.corpus_dir),
        MSCQA_INDEX_DIR=str(fake_settings.index_dir),
        MSCQA_FEEDBACK_PATH=str(tmp_path / "var" / "feedback.jsonl"),
        HOME=str(folders["home"]),
        XDG_CACHE_HOME=str(folders["cache"]),
        XDG_CONFIG_HOME=str(folders["config"]),
        XDG_DATA_HOME=str(folders["data"]),
        TMPDIR=str(folders["tmp"]),
        GRADIO_TEMP_DIR=str(folders["tmp"] / "gradio"),
        HF_HOME=str(folders["hf"]),
        MPLCONFIGDIR=str(folders["cache"] / "matplotlib"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "server-output.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "mscqa", "serve", "--port", str(port)],
            cwd=folders["work"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_until_up(process, url, log, seconds=120)
        yield Served(process, url, tmp_path, log)
    finally:
        stop(process)


def _files_holding(root: Path, marker: bytes, skip: Path) -> tuple[int, list[str]]:
    scanned, holding = 0, []
    for path in root.rglob("*"):
        if not path.is_file() or path == skip:
            continue
        scanned += 1
        if marker in path.read_bytes():
            holding.append(str(path.relative_to(root)))
    return scanned, holding


def test_no_question_or_statement_text_is_written_anywhere(served: Served) -> None:
    from gradio_client import Client

    marker = f"zq{uuid.uuid4().hex}"
    client = Client(served.url, verbose=False)
    replies = [
        client.predict(f"Do stem cells help hip pain {marker}?", api_name="/chat"),
        client.predict(f"What does {marker} cost at the clinic?", api_name="/chat"),
        client.predict(f"{marker} " * 500, api_name="/chat"),  # refused as too long
        client.predict(f"\x00\u202e{marker}", api_name="/chat"),
    ]
    statement = f"Stem cells improved hip scores by 84 percent {marker}."
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    if "/check" in endpoints:
        replies.append(client.predict(statement, api_name="/check"))
    else:
        replies.append(client.predict(statement, api_name="/chat"))
    assert all(replies), replies
    stop(served.process)

    output = served.log.read_bytes()  # everything the server printed, stdout and stderr
    assert marker.encode() not in output
    scanned, holding = _files_holding(served.root, marker.encode(), skip=served.log)
    assert scanned > 10  # the index, the corpus and whatever the server wrote were all read
    assert holding == []
