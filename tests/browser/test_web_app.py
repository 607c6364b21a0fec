"""End to end: `mscqa serve` on a free loopback port, driven by headless Debian Chromium.

One server (real model, a private copy of the corpus and index) and one browser per module.
Set MSCQA_SCREENSHOT_DIR=docs/screenshots to refresh the README screenshots.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import (
    BOT,
    USER,
    Server,
    ask,
    assert_nothing_injected,
    chromium,
    copy_corpus,
    open_page,
    open_tab,
    serve,
)

from mscqa.corpus.checks import load_corpus

pytestmark = pytest.mark.browser

PASSWORD = "open sesame 42"
MS_TITLE = "Mesenchymal Stem Cell Treatment for Multiple Sclerosis"
MS_QUESTION = "Which drugs are used for relapsing-remitting MS?"
HIP_TITLE = "Mesenchymal Stem Cells Injection Improves Hip Osteoarthritis"
HIP_QUESTION = "How were the stem cells given to people with hip osteoarthritis?"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, real_export: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("served")
    with serve(
        root,
        copy_corpus(root),
        real_export,
        MSCQA_ADMIN_PASSWORD=PASSWORD,
        MSCQA_RELOAD_CHECK_SECONDS="0",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    with open_page(browser, server.url) as opened:
        yield opened


def _shot(page: Any, server: Server, name: str) -> None:
    page.screenshot(path=str(server.root / f"{name}.png"), full_page=True)
    target = os.environ.get("MSCQA_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(server.root / f"{name}.png", Path(target) / f"{name}.png")


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def _article(server: Server, title: str) -> Any:
    return next(a for a in load_corpus(server.corpus) if a.title == title)


def test_http_api_chat_and_check(server: Server) -> None:
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    reply = client.predict(MS_QUESTION, api_name="/chat")
    print(f"\nmscqa serve start -> first answer: {time.monotonic() - server.started:.1f}s")
    assert f"**{MS_TITLE}**" in reply
    assert "\n> " in reply or reply.startswith("> ")

    escaped = client.predict(f"Tell me {XSS_IMG}", api_name="/chat")
    assert "<img" not in escaped

    verdict = client.predict(
        "Chronic pain is pain that lasts for more than 20 weeks.", api_name="/check"
    )
    assert verdict["verdict"] == "contradicted"
    assert verdict["numbers"]["unmatched"] == ["20"]
    best = verdict["evidence"][0]
    article = _article(server, best["title"])
    assert article.text[best["start"] : best["end"]] == best["quote"]

    refused = client.predict("   ", api_name="/check")
    assert "empty" in refused["error"]


def test_ask_shows_quote_title_reference_and_stores_feedback(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#notice")).to_contain_text("not medical advice")
    expect(page.locator("#chatbot button.example").first).to_be_visible()
    _shot(page, server, "ask-empty")

    bot = ask(page, HIP_QUESTION)
    article = _article(server, HIP_TITLE)
    quote = bot.locator("blockquote").first
    expect(quote).to_be_visible()
    assert quote.inner_text().strip() in article.text
    expect(bot.locator("strong", has_text=HIP_TITLE).first).to_be_visible()
    expect(bot).to_contain_text(article.reference)
    expect(bot).to_contain_text("your question")  # the relevance label
    _shot(page, server, "ask")

    # The rating buttons sit under the newest answer, outside its message element.
    page.locator("#chatbot").get_by_role("button", name="Like", exact=True).last.click()
    deadline = time.monotonic() + 10
    # The file may exist a moment before its line is written: wait for the line.
    while time.monotonic() < deadline and not (
        server.feedback.exists() and server.feedback.read_text().strip()
    ):
        time.sleep(0.1)
    entries = [json.loads(line) for line in server.feedback.read_text().splitlines()]
    assert entries[-1]["rating"] == "like"
    assert article.id in entries[-1]["article_ids"]
    assert "question" not in entries[-1]
    assert HIP_QUESTION not in server.feedback.read_text()


def test_example_question_is_answered(page: Any) -> None:
    from playwright.sync_api import expect

    example = page.locator("#chatbot button.example").first
    example.click()
    expect(page.locator(BOT)).to_have_count(1)
    expect(page.locator(BOT).first.locator("blockquote").first).to_be_visible()


def test_out_of_scope_question_gets_not_covered_reply(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    bot = ask(page, "What is a good recipe for banana bread?")
    expect(bot).to_contain_text("The articles do not cover this question")
    for article in load_corpus(server.corpus):
        expect(bot).to_contain_text(article.title)
    assert bot.locator("blockquote").count() == 0

    page.locator("#chatbot").get_by_role("button", name="Dislike", exact=True).last.click()
    deadline = time.monotonic() + 10
    while "dislike" not in _read(server.feedback) and time.monotonic() < deadline:
        time.sleep(0.1)
    last = json.loads(_read(server.feedback).splitlines()[-1])
    assert last["rating"] == "dislike" and last["article_ids"] == []
    assert "banana" not in _read(server.feedback)


def test_emergency_question_gets_urgent_care_message_first(page: Any) -> None:
    from playwright.sync_api import expect

    first = ask(page, "My husband has crushing chest pain and his face is drooping", replies=2)
    expect(first).to_contain_text("Please get help now")
    expect(first).to_contain_text("emergency number")


@pytest.mark.parametrize("payload", [XSS_IMG, XSS_SCRIPT])
def test_markup_in_a_question_shows_literally_and_runs_nothing(page: Any, payload: str) -> None:
    from playwright.sync_api import expect

    question = f"What about {payload} and *stars* [link](http://x)?"
    bot = ask(page, question)
    user = page.locator(USER).last
    expect(user).to_contain_text(question)
    expect(bot).to_be_visible()
    assert_nothing_injected(page)
    assert user.locator("img, script, a, em").count() == 0


def test_check_statement_shows_verdict_and_highlighted_evidence(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    open_tab(page, "Check a statement")
    page.locator("#statement textarea").fill(
        "Chronic pain is pain that lasts for more than 20 weeks."
    )
    page.locator("#check-button").click()
    result = page.locator("#check-result")
    expect(result.locator(".verdict")).to_contain_text("Differs from the articles")
    expect(result.locator(".numbers")).to_contain_text("20")
    mark = result.locator(".evidence mark").first
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("12 weeks")
    citation = re.compile(r"^“.*12 weeks.*” — Treating Chronic Pain .*Waterman", re.DOTALL)
    expect(page.locator("#citation textarea")).to_have_value(citation)
    _shot(page, server, "check")


def test_show_in_article_opens_it_at_the_quoted_sentence(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    bot = ask(page, MS_QUESTION)
    quote = bot.locator("blockquote").first.inner_text().strip()
    button = page.locator("#show-source-0")
    expect(button).to_contain_text(MS_TITLE)
    button.click()
    expect(page.get_by_role("tab", name="Articles", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    mark = page.locator("#article-view mark")
    expect(mark).to_have_text(quote)
    expect(page.locator("#article-view h3")).to_have_text(MS_TITLE)
    expect(mark).to_be_in_viewport()
    _shot(page, server, "article")


def test_articles_tab_lists_every_article_and_opens_one(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    open_tab(page, "Articles")
    articles = load_corpus(server.corpus)
    expect(page.locator("#articles tbody tr")).to_have_count(len(articles))
    for article in articles:
        expect(page.locator("#articles")).to_contain_text(article.title)
    page.locator("#article-picker input").click()
    page.get_by_role("option", name=MS_TITLE).click()
    expect(page.locator("#article-view h3")).to_have_text(MS_TITLE)
    expect(page.locator("#article-view .article-text")).to_contain_text(
        _article(server, MS_TITLE).text[:80]
    )
    _shot(page, server, "articles")


def test_index_tab_shows_status_and_rebuilds_with_the_password(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    open_tab(page, "Index")
    status = page.locator("#index-status")
    expect(status).to_contain_text("Up to date")
    expect(status).to_contain_text("Passages")
    _shot(page, server, "index")

    path = next(server.corpus.glob("treating-chronic-pain*.md"))
    path.write_text(path.read_text() + "\nA sentence added by an editor.\n")
    page.locator("#index-refresh").click()
    expect(status).to_contain_text("Out of date")
    expect(status).to_contain_text("treating-chronic-pain-with-mesenchymal-stem-cells")

    page.locator("#admin-password input").fill("open sesame 43")
    page.locator("#rebuild-button").click()
    expect(page.locator("#rebuild-result")).to_contain_text("not right")
    expect(status).to_contain_text("Out of date")

    page.locator("#admin-password input").fill(PASSWORD)
    page.locator("#rebuild-button").click()
    expect(page.locator("#rebuild-result")).to_contain_text("is ready", timeout=120_000)
    expect(status).to_contain_text("Up to date")

    open_tab(page, "Ask")
    bot = ask(page, MS_QUESTION)
    expect(bot.locator("blockquote").first).to_be_visible()
    log = server.log.read_text()
    assert MS_QUESTION not in log
    assert "banana" not in log
