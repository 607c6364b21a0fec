"""End to end: a conversation in the chat (a follow-up leaning on the turn before it) and a
question in another language, through `mscqa serve` and headless Debian Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import Server, ask, chromium, copy_corpus, open_page, serve

pytestmark = pytest.mark.browser

ALS_TITLE = "Mesenchymal Stem Cell Treatment for ALS is Safe and Feasible"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, real_export: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("served-chat")
    with serve(root, copy_corpus(root), real_export) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    with open_page(browser, server.url) as opened:
        yield opened


def test_a_follow_up_is_answered_from_the_earlier_turns_article(page: Any) -> None:
    from playwright.sync_api import expect

    first = ask(page, "What did Deda and colleagues report about ALS in 2009?")
    expect(first).to_contain_text(ALS_TITLE)
    assert "Answering" not in first.inner_text()
    second = ask(page, "Where were the cells injected in that study?")
    expect(second).to_contain_text(
        "Answering: Where were the cells injected in the research by Deda et al.?"
    )
    expect(second.locator("blockquote").first).to_contain_text("injected into the spinal area")
    expect(second).to_contain_text(ALS_TITLE)


def test_a_follow_up_in_another_tab_does_not_see_this_conversation(
    browser: Any, server: Server
) -> None:
    from playwright.sync_api import expect

    with open_page(browser, server.url) as fresh:
        reply = ask(fresh, "Where were the cells injected in that study?")
        expect(reply).not_to_contain_text("Answering")


def test_a_question_in_spanish_gets_the_english_only_reply(page: Any) -> None:
    from playwright.sync_api import expect

    reply = ask(page, "¿Las células madre ayudan con la artritis de rodilla?")
    expect(reply).to_contain_text("The articles are in English")
    assert reply.locator("blockquote").count() == 0


def test_each_http_api_client_has_its_own_conversation(server: Server) -> None:
    from gradio_client import Client

    first = Client(server.url, verbose=False)
    second = Client(server.url, verbose=False)
    first.predict("What did Deda and colleagues report about ALS in 2009?", api_name="/chat")
    leaning = first.predict("Where were the cells injected in that study?", api_name="/chat")
    alone = second.predict("Where were the cells injected in that study?", api_name="/chat")
    assert "Answering: Where were the cells injected in the research by Deda et al" in leaning
    assert f"**{ALS_TITLE}**" in leaning
    assert "Answering" not in alone


def test_tell_me_more_shows_a_quote_the_answer_left_out(page: Any) -> None:
    from playwright.sync_api import expect

    first = ask(page, "What is ALS?")
    expect(first.locator("blockquote").first).to_be_visible()
    shown = set(first.locator("blockquote").all_inner_texts())
    more = ask(page, "tell me more")
    expect(more).to_contain_text("Answering: What is ALS?")
    added = more.locator("blockquote").all_inner_texts()
    assert added and not shown & set(added)
