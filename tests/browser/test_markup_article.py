"""An article whose title, reference and text carry markup is shown as text in every tab.

Served with the fake embedder: what matters here is the page, not the ranking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from served import (
    Server,
    ask,
    assert_nothing_injected,
    chromium,
    copy_corpus,
    open_page,
    open_tab,
    serve,
)

from mscqa.corpus.articles import Article
from mscqa.corpus.writing import write_articles

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=alert(1)><script>alert(2)</script>"
ARTICLE = Article(
    id="zebrafish-fins",
    title=f"Zebrafish fins {MARKUP}",
    reference=f"Doe J. (2020). Zebrafish {MARKUP}. Fin Journal 1:1.",
    text=(
        f"Zebrafish {MARKUP} regrow their fins quickly after an injury. "
        f"The fin {MARKUP} regrows in 14 days.\n\nNothing else is known about it.\n"
    ),
    source="test",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("markup")
    corpus = copy_corpus(root)
    write_articles([ARTICLE], corpus)
    with serve(root, corpus, MSCQA_EMBEDDER="fake") as running:
        yield running


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator[Any]:
    with chromium() as browser, open_page(browser, server.url) as opened:
        yield opened


def test_every_tab_shows_article_markup_as_text(page: Any) -> None:
    from playwright.sync_api import expect

    bot = ask(page, "How quickly do zebrafish regrow their fins?")
    expect(bot).to_contain_text(ARTICLE.title)
    expect(bot).to_contain_text(ARTICLE.reference)
    expect(bot.locator("blockquote").first).to_contain_text(MARKUP)
    assert_nothing_injected(page)

    page.locator("#show-source-0").click()
    expect(page.locator("#article-view mark")).to_contain_text(MARKUP)
    expect(page.locator("#article-view h3")).to_have_text(ARTICLE.title)
    assert_nothing_injected(page)

    open_tab(page, "Articles")
    expect(page.locator("#articles")).to_contain_text(ARTICLE.title)
    expect(page.locator("#articles")).to_contain_text(ARTICLE.reference)
    assert_nothing_injected(page)

    open_tab(page, "Check a statement")
    page.locator("#statement textarea").fill("The zebrafish fin regrows in 14 days.")
    page.locator("#check-button").click()
    result = page.locator("#check-result")
    expect(result.locator(".verdict")).to_be_visible()
    expect(result).to_contain_text(ARTICLE.title)
    expect(result.locator("mark").first).to_contain_text(MARKUP)
    # The quote may open with the sentence before, which names the zebrafish; it ends with
    # the sentence that says it, then the source, all as text.
    cited = f"The fin {MARKUP} regrows in 14 days.” — {ARTICLE.title}. {ARTICLE.reference}"
    expect(page.locator("#citation textarea")).to_have_value(re.compile(f"^“.*{re.escape(cited)}$"))
    assert_nothing_injected(page)

    open_tab(page, "Index")
    expect(page.locator("#index-status")).to_contain_text("Up to date")
    assert_nothing_injected(page)
