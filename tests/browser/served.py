"""Shared by the browser tests: `mscqa serve` on a free loopback port, headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mscqa.index.onnx_backend import ONNX_DIR

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BOT = '#chatbot [data-testid="bot"]'
USER = '#chatbot [data-testid="user"]'


@dataclass
class Server:
    url: str
    root: Path
    corpus: Path
    feedback: Path
    log: Path
    started: float


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mscqa serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"mscqa serve not ready at {url}:\n{log.read_text()}")


@contextmanager
def serve(
    root: Path, corpus: Path, export: Path | None = None, **env_overrides: str
) -> Iterator[Server]:
    """Index `corpus` into `root`, then run `mscqa serve` over it until the block ends.
    `export`: an index folder whose model export the build takes instead of exporting the
    model again (the `real_export` fixture)."""
    if export is not None:
        shutil.copytree(export / ONNX_DIR, root / "index" / ONNX_DIR)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MSCQA_") or key == "MSCQA_MODEL"
    }
    env.update(
        MSCQA_CORPUS_DIR=str(corpus),
        MSCQA_INDEX_DIR=str(root / "index"),
        MSCQA_FEEDBACK_PATH=str(root / "feedback.jsonl"),
        MSCQA_VAR_DIR=str(root / "var"),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        **env_overrides,
    )
    subprocess.run(
        [sys.executable, "-m", "mscqa", "index", "build"], env=env, check=True, capture_output=True
    )
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = root / "server.log"
    with log.open("wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mscqa", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_ready(url, proc, log)
            yield Server(url, root, corpus, root / "feedback.jsonl", log, started)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# How long an action or an assertion waits for the page before it fails.
WAIT_MS = 30_000


@contextmanager
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import expect, sync_playwright

    # A first answer loads the models, and a busy two-core machine may take longer than
    # playwright's five seconds for it: assertions wait for the page as long as actions do.
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(browser: Any, url: str) -> Iterator[Any]:
    """A fresh page on the app that records (and dismisses) every dialog in `page.dialogs`."""
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog: Any) -> None:
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        # Never wait for "networkidle": the page keeps a server-sent-events connection open.
        page.goto(url, wait_until="domcontentloaded")
        page.locator("#question textarea").wait_for(state="visible")
        yield page
    finally:
        context.close()


def screenshot(page: Any, server: Server, name: str, full_page: bool = True) -> None:
    """`name`.png in the server's folder, copied to MSCQA_SCREENSHOT_DIR when that is set."""
    page.screenshot(path=str(server.root / f"{name}.png"), full_page=full_page)
    target = os.environ.get("MSCQA_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(server.root / f"{name}.png", Path(target) / f"{name}.png")


def copy_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    return corpus


def ask(page: Any, text: str, replies: int = 1) -> Any:
    """Send a question; returns the first of the `replies` bot messages it gets."""
    from playwright.sync_api import expect

    before = page.locator(BOT).count()
    page.locator("#question textarea").fill(text)
    page.locator("#question textarea").press("Enter")
    expect(page.locator(BOT)).to_have_count(before + replies)
    return page.locator(BOT).nth(before)


def open_tab(page: Any, name: str) -> None:
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def assert_nothing_injected(page: Any) -> None:
    page.wait_for_timeout(500)  # a late onerror or script would have run by now
    assert page.dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("[onerror]").count() == 0
    assert page.locator("script", has_text="alert").count() == 0
