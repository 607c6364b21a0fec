"""Hot reload: a running `mscqa serve` switches to new index versions with no failed request."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from mscqa.config import Settings

QUESTIONS = (
    "Is stem cell therapy safe for people with ALS?",
    "Do stem cells from fat help an arthritic hip?",
    "Can stem cells replace surgery for back pain?",
)
NEW_QUESTION = "Can zebrafish regrow heart muscle after an injury?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chat(base: str, message: str) -> str:
    """One question through the HTTP API of the chat (api_name="chat"); the reply's text."""
    request = urllib.request.Request(
        f"{base}/gradio_api/call/chat",
        data=json.dumps({"data": [message]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(f"{base}/gradio_api/call/chat/{event_id}", timeout=30) as stream:
        body = stream.read().decode("utf-8")
    event = next(line for line in body.splitlines() if line.startswith("event:"))
    if event.strip() != "event: complete":
        raise RuntimeError(f"chat failed: {body[:300]}")
    data = next(line for line in body.splitlines() if line.startswith("data:"))
    return json.dumps(json.loads(data[len("data:") :]), ensure_ascii=False)


def _article(corpus_dir: Path, title: str, text: str) -> None:
    (corpus_dir / "regeneration.md").write_text(
        f"---\nid: regeneration\ntitle: {title}\nreference: Roe A. (2021). Regrowth. "
        f"J. Regen. 2:1-5.\n---\n\n{text}\n",
        encoding="utf-8",
    )


class _Asker(threading.Thread):
    """Asks questions in a loop and counts replies and failures."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.stop = threading.Event()
        self.replies = 0
        self.failures: list[str] = []

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            question = (*QUESTIONS, NEW_QUESTION)[number % 4]
            number += 1
            try:
                reply = _chat(self.base, question)
            except Exception as exc:  # every kind of failure counts
                self.failures.append(f"{question}: {exc!r}")
                continue
            if "mscqa index" in reply or "error" in reply.lower():
                self.failures.append(f"{question}: {reply[:200]}")
            self.replies += 1


def test_serve_switches_versions_under_load_without_a_failed_request(
    fake_env: Settings, tmp_path: Path
) -> None:
    settings = fake_env
    env = {
        **os.environ,
        "MSCQA_EMBEDDER": "fake",
        "MSCQA_RELOAD_CHECK_SECONDS": "0.2",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }

    def cli(*args: str) -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-m", "mscqa", *args, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, object] = json.loads(done.stdout)
        return result

    cli("index", "build")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mscqa", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    asker = _Asker(base)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                _chat(base, QUESTIONS[0])
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
        assert "Zebrafish" not in _chat(base, NEW_QUESTION)
        asker.start()

        def wait_for(check: str, present: bool) -> None:
            until = time.monotonic() + 30
            while (check in _chat(base, NEW_QUESTION)) != present:
                assert time.monotonic() < until, f"the server did not switch ({check})"
                time.sleep(0.2)

        _article(
            settings.corpus_dir,
            "Zebrafish Regrow Heart Muscle",
            "Zebrafish regrow heart muscle after an injury within sixty days.",
        )
        assert cli("index", "update")["added"] == ["regeneration"]
        wait_for("Zebrafish Regrow Heart Muscle", present=True)

        _article(
            settings.corpus_dir,
            "Zebrafish Hearts Heal Without Scars",
            "Zebrafish regrow heart muscle after an injury, and the new muscle has no scar.",
        )
        assert cli("index", "update")["changed"] == ["regeneration"]
        wait_for("Hearts Heal Without Scars", present=True)

        (settings.corpus_dir / "regeneration.md").unlink()
        assert cli("index", "update")["removed"] == ["regeneration"]
        wait_for("Zebrafish", present=False)
        time.sleep(1.0)  # keep asking for a moment on the final version
    finally:
        asker.stop.set()
        asker.join(60)
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    print(f"{asker.replies} replies during 3 updates, {len(asker.failures)} failures")
    assert asker.failures == []
    assert asker.replies >= 10


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # Loopback requests must never go through a proxy set in the environment.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
