"""Start `mscqa serve` in a fresh process and ask it questions over its HTTP API (Gradio's
/gradio_api/call/chat: one POST for an event id, one GET for the answer), with the stdlib."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MSCQA = str(Path(sys.executable).with_name("mscqa"))
NAIVE_BASELINE = """
import sys
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu")
model.encode([sys.argv[2]])
"""


def environment(index_dir: Path, corpus_dir: Path | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "MSCQA_INDEX_DIR": str(index_dir),
        "MSCQA_CORPUS_DIR": str(corpus_dir or ROOT / "corpus"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(index_dir: Path, port: int, corpus_dir: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [MSCQA, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment(index_dir, corpus_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def ask(port: int, question: str, timeout: float = 60.0) -> str:
    """The chat's answer to `question` (raises on any HTTP or protocol error)."""
    base = f"http://127.0.0.1:{port}/gradio_api/call/chat"
    request = urllib.request.Request(
        base,
        data=json.dumps({"data": [question]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{base}/{event_id}", timeout=timeout) as response:
        event = ""
        for raw in response:
            line = raw.decode().strip()
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(f"server error: {line}")
                data = json.loads(line.split(":", 1)[1])
                return str(data[0])
    raise RuntimeError("the answer stream ended without a result")


def wait_for_answer(port: int, question: str, process: subprocess.Popen, limit: float) -> str:
    """Poll until the server answers; fails if it exits or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            return ask(port, question, timeout=30)
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def process_rss(pid: int) -> int:
    """Resident bytes of a process and its children."""
    import psutil

    parent = psutil.Process(pid)
    total = 0
    for proc in [parent, *parent.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total
